/**
 * `pnpm bench:ui`: how fast the dashboard shows its data on a generated
 * database (default 1,000,000 runs, cached as `pnpm bench` caches it). Starts
 * the built `runmeta ui` as a real process, drives headless Chromium through
 * each page, and times from the navigation (or the click) to the moment the
 * data is on screen — medians of `--reps` rounds after one warm-up round.
 * The overview is timed twice: with the server's kept answers, and after a
 * commit (as a running simulation makes), when every question is asked anew.
 * Sort and filter changes are timed on the page's clock from the user's input.
 * Prints a markdown table: what | page clock | driver clock | goal. The page
 * clock is what the user waits; the driver clock adds Playwright's own round
 * trips (about 100 ms per action on this machine).
 *
 *   node --conditions=@runmeta/source --import tsx bench/ui-pages.ts [--size 1m] [--reps 3] [--db file] [--only text]
 *
 * `--only change` times only the steps whose name contains `change`.
 *
 * @packageDocumentation
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { type Browser, chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../../test-support/chromium.js';
import { DEFAULT_RUNS, generateBenchDatabase, parseSize } from './generate.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'runmeta.js');

/** One timing: on the page's own clock, and as the driver saw it. */
interface Timing {
  /** From the navigation's start (or the user's input) to the frame the data is in, on the page's clock. */
  page: number;
  /** From the driver's call to its seeing the data (adds its own round trips, ~100 ms per action here). */
  driver: number;
}

interface Step {
  name: string;
  goal: string;
  /** Time one round. */
  time(page: Page, base: string): Promise<Timing>;
}

/** `shown` as a page predicate that answers with the page's clock once it holds. */
const clockWhen = (shown: string, since = '0') =>
  `(${shown}) ? [performance.now() - (${since})] : false`;

/**
 * Navigate to `url` and wait until `shown` holds there. The page figure runs
 * from the navigation's start (the page's time origin) to the animation frame
 * that finds the data, so it includes loading the app and its answers.
 */
async function navigate(page: Page, url: string, shown: string): Promise<Timing> {
  const started = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  const answer = await page.waitForFunction(clockWhen(shown), null, { timeout: 300_000 });
  const [ms] = (await answer.jsonValue()) as [number];
  return { page: ms, driver: performance.now() - started };
}

/**
 * From the user's input (the event's time stamp: a click, a choice in a
 * select) until `shown` holds, on the page's clock; the driver figure adds the
 * time it spends finding, scrolling to and checking the element first.
 */
async function fromInput(
  page: Page,
  event: 'click' | 'change',
  act: () => Promise<unknown>,
  shown: string,
): Promise<Timing> {
  await page.evaluate((type) => {
    // Runs in the page (the bench is typed for Node: no DOM names).
    const w = globalThis as unknown as {
      inputAt?: number;
      addEventListener(
        type: string,
        listener: (e: { timeStamp: number }) => void,
        options: { capture: boolean; once: boolean },
      ): void;
    };
    w.inputAt = undefined;
    w.addEventListener(
      type,
      (e) => {
        w.inputAt = e.timeStamp;
      },
      { capture: true, once: true },
    );
  }, event);
  const started = performance.now();
  await act();
  const answer = await page.waitForFunction(
    clockWhen(`(${shown}) && window.inputAt !== undefined`, 'window.inputAt'),
  );
  const [ms] = (await answer.jsonValue()) as [number];
  return { page: ms, driver: performance.now() - started };
}

const ROWS = `document.querySelector('table[data-test="runs"] tbody tr') !== null`;
const rows = (page: Page) => page.waitForFunction(ROWS);
const firstId = (page: Page) =>
  page.locator('table[data-test="runs"] tbody tr td:nth-child(2) a').first().textContent();
/** Some overview panel has answered (each sets its `data-ms`). */
const FIRST_PANEL =
  "[...document.querySelectorAll('[data-ms]')].some((e) => e.getAttribute('data-ms') !== 'pending')";
/** Every overview panel shows an answer (after a write, maybe the one kept of before it). */
const EVERY_PANEL =
  "document.querySelectorAll('[data-ms]').length >= 5 && [...document.querySelectorAll('[data-ms]')].every((e) => e.getAttribute('data-ms') !== 'pending')";
/** Every overview panel shows the answer of the database as it is now. */
const EVERY_CURRENT = `${EVERY_PANEL} && document.querySelector('[data-stale="true"]') === null`;
const panels = (page: Page) => page.waitForFunction(EVERY_CURRENT, null, { timeout: 300_000 });

/**
 * Until the overview's questions are answered — those the server asks as it
 * starts, or those a left page abandoned: the coverage, asked last and the
 * slowest, is shared with the one in flight (or kept) and comes back with it.
 */
async function drained(base: string): Promise<void> {
  await fetch(`${base}/api/coverage`);
}

/**
 * Commits that leave every value as it was (one run's goal changed, then put
 * back), as a running simulation's commits would come: the server's kept
 * answers are of an older database now, so the overview is asked anew. (An
 * update to the same value commits nothing: SQLite skips it.)
 */
function touch(db: string): void {
  const writer = new BetterSqlite3(db);
  try {
    const first = writer.prepare('SELECT min(rowid) AS id FROM runs').get() as { id: number };
    const { goal } = writer.prepare('SELECT goal FROM runs WHERE rowid = ?').get(first.id) as {
      goal: unknown;
    };
    // One transaction: it commits (the value changed inside it), and a kill
    // between the two updates cannot leave the changed goal behind.
    const set = writer.prepare('UPDATE runs SET goal = ? WHERE rowid = ?');
    writer.transaction(() => {
      set.run(`${String(goal)} (touched)`, first.id);
      set.run(goal, first.id);
    })();
  } finally {
    writer.close();
  }
}

function steps(ids: string[], db: string): Step[] {
  return [
    {
      name: '/runs (newest first)',
      goal: '≤ 1 s',
      time: (page, base) => navigate(page, `${base}/runs`, ROWS),
    },
    {
      name: '/runs sorted by cost',
      goal: '≤ 1 s',
      time: (page, base) => navigate(page, `${base}/runs?sort=cost:desc`, ROWS),
    },
    {
      name: 'sort change (click the cost header)',
      goal: '≤ 300 ms',
      async time(page, base) {
        await page.goto(`${base}/runs`);
        await rows(page);
        const before = await firstId(page);
        return fromInput(
          page,
          'click',
          () => page.locator('th button[data-sort="costUsd"]').click(),
          `document.querySelector('table[data-test="runs"] tbody tr td:nth-child(2) a')?.textContent !== ${JSON.stringify(before)}`,
        );
      },
    },
    {
      name: 'filter change (status = failed, with its count)',
      goal: '≤ 300 ms',
      async time(page, base) {
        await page.goto(`${base}/runs?sort=cost:desc`);
        await rows(page);
        return fromInput(
          page,
          'change',
          () => page.locator('select[name="status"]').selectOption('failed'),
          `location.search.includes('status=failed') && /\\(\\d/.test(document.querySelector('h1')?.textContent ?? '') && document.querySelector('table[data-test="runs"]')?.getAttribute('aria-busy') !== 'true'`,
        );
      },
    },
    {
      name: '/runs/<id>',
      goal: '≤ 1 s',
      time: (page, base) =>
        navigate(
          page,
          `${base}/runs/${encodeURIComponent(ids[0]!)}`,
          `document.querySelector('pre[data-test="snapshot"]')?.textContent`,
        ),
    },
    {
      name: '/compare of 10 runs',
      goal: '≤ 1 s',
      time: (page, base) =>
        navigate(
          page,
          `${base}/compare?ids=${ids.slice(0, 10).join(',')}`,
          `document.querySelector('table[data-test="compare"] tbody tr') !== null`,
        ),
    },
    // After a write the panels first show the answer kept of before it, marked
    // stale (an earlier build waited for the current one here), then the current.
    ...(['answers kept', 'after a write: kept answer, marked'] as const).flatMap((when): Step[] => {
      const fresh = when !== 'answers kept';
      return [
        {
          name: `/overview, first panel shown (${when})`,
          goal: '≤ 1 s',
          async time(page, base) {
            if (fresh) touch(db);
            const timing = await navigate(page, `${base}/overview`, FIRST_PANEL);
            await panels(page); // the other panels finish before the next step starts
            return timing;
          },
        },
        {
          name: `/overview, every panel shown (${when})`,
          goal: '≤ 1 s',
          async time(page, base) {
            if (fresh) touch(db);
            const timing = await navigate(page, `${base}/overview`, EVERY_PANEL);
            await panels(page);
            return timing;
          },
        },
        ...(fresh
          ? [
              {
                name: '/overview, every panel current (after a write)',
                goal: 'reported',
                async time(page: Page, base: string) {
                  touch(db);
                  return navigate(page, `${base}/overview`, EVERY_CURRENT);
                },
              },
            ]
          : []),
      ];
    }),
    {
      name: '/runs while the overview is still loading (after a write)',
      goal: '≤ 1 s',
      async time(page, base) {
        touch(db);
        await page.goto(`${base}/overview`);
        const timing = await fromInput(
          page,
          'click',
          () => page.getByRole('link', { name: 'Runs', exact: true }).click(),
          ROWS,
        );
        await drained(base);
        return timing;
      },
    },
  ];
}

/** Start `runmeta ui` on `db`; resolves with its URL once it listens. */
function startUi(db: string): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'ui', '--db', db, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /runmeta ui: (http:\/\/[^/\s]+)/.exec(out);
      if (match) resolve({ url: match[1]!, child });
    });
    child.once('exit', (code) => reject(new Error(`runmeta ui exited with ${code}: ${out}`)));
  });
}

function parseArgs(argv: readonly string[]) {
  const options = { runs: DEFAULT_RUNS, reps: 3, db: null as string | null, only: '' };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--size' && value) options.runs = parseSize(value);
    else if (argv[i] === '--reps' && value) options.reps = Number(value);
    else if (argv[i] === '--db' && value) options.db = path.resolve(value);
    else if (argv[i] === '--only' && value) options.only = value;
    else continue;
    i++;
  }
  return options;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const db =
    options.db ??
    (await generateBenchDatabase({ runs: options.runs, log: (l) => console.error(l) })).file;
  // Ten runs to open and compare: the newest ids, read without runmeta.
  const raw = new BetterSqlite3(db, { readonly: true });
  const ids = raw
    .prepare('SELECT run_id FROM runs ORDER BY run_id DESC LIMIT 10')
    .all()
    .map((r) => (r as { run_id: string }).run_id);
  raw.close();
  const { url, child } = await startUi(db);
  // The server asks the overview's questions as it starts: let it finish, so
  // the first steps do not share the CPU with it.
  await drained(url);
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
    const results = new Map<string, Timing[]>();
    for (let round = 0; round <= options.reps; round++) {
      for (const step of steps(ids, db).filter((s) => s.name.includes(options.only))) {
        // A fresh page per step: no cache of the previous page's answers.
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const timing = await step.time(page, url);
        await page.close();
        if (round > 0) results.set(step.name, [...(results.get(step.name) ?? []), timing]);
      }
    }
    console.log(
      `\nrunmeta ui on ${path.basename(db)} — medians of ${options.reps} rounds after a warm-up\n`,
    );
    console.log('| what | page clock | driver clock | goal |\n|---|---|---|---|');
    for (const step of steps(ids, db).filter((s) => s.name.includes(options.only))) {
      const timings = results.get(step.name)!;
      const ms = (pick: (t: Timing) => number) => `${Math.round(median(timings.map(pick)))} ms`;
      console.log(
        `| ${step.name} | ${ms((t) => t.page)} | ${ms((t) => t.driver)} | ${step.goal} |`,
      );
    }
  } finally {
    await browser?.close();
    child.kill('SIGINT');
  }
}

await main();
