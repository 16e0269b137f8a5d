/**
 * `pnpm bench:ui`: how fast the dashboard shows its data on a generated
 * database (default 1,000,000 runs, cached as `pnpm bench` caches it). Starts
 * the built `runmeta ui` as a real process, drives headless Chromium through
 * each page, and times from the navigation (or the click) to the moment the
 * data is on screen — medians of `--reps` rounds after one warm-up round.
 * Prints a markdown table: what | median | goal.
 *
 *   node --conditions=@runmeta/source --import tsx bench/ui-pages.ts [--size 1m] [--reps 3] [--db file]
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

interface Step {
  name: string;
  goal: string;
  /** Time one round: from the action to the data on screen, in ms. */
  time(page: Page, base: string): Promise<number>;
}

/** Milliseconds from `act` until `shown` resolves. */
async function timed(act: () => Promise<unknown>, shown: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await act();
  await shown();
  return performance.now() - started;
}

/**
 * Milliseconds on the page's own clock from the user's input (the event's
 * time stamp) until `shown` holds there: what the user waits, without the
 * time the driver spends finding, scrolling to and checking the element
 * before it clicks (about 100 ms per action on this machine).
 */
async function fromInput(
  page: Page,
  event: 'pointerdown' | 'change',
  act: () => Promise<unknown>,
  shown: string,
): Promise<number> {
  await page.evaluate((type) => {
    const w = window as unknown as { inputAt?: number };
    w.inputAt = undefined;
    addEventListener(
      type,
      (e) => {
        w.inputAt = e.timeStamp;
      },
      { capture: true, once: true },
    );
  }, event);
  await act();
  const answer = await page.waitForFunction(
    `(${shown}) && window.inputAt !== undefined ? [performance.now() - window.inputAt] : false`,
  );
  const [ms] = (await answer.jsonValue()) as [number];
  return ms;
}

const rows = (page: Page) => page.locator('table[data-test="runs"] tbody tr').first().waitFor();
const firstId = (page: Page) =>
  page.locator('table[data-test="runs"] tbody tr td:nth-child(2) a').first().textContent();
/** Until every overview panel has answered (each sets its `data-ms`). */
const panels = (page: Page) =>
  page.waitForFunction(
    "document.querySelectorAll('[data-ms]').length >= 5 && [...document.querySelectorAll('[data-ms]')].every((e) => e.getAttribute('data-ms') !== 'pending')",
    null,
    { timeout: 300_000 },
  );

/**
 * Until the questions a left page abandoned are answered (the server finishes
 * them): one more such question, queued behind them, has come back.
 */
async function drained(base: string): Promise<void> {
  await fetch(`${base}/api/histogram`);
}

function steps(ids: string[]): Step[] {
  return [
    {
      name: '/runs (newest first)',
      goal: '≤ 1 s',
      time: (page, base) =>
        timed(
          () => page.goto(`${base}/runs`),
          () => rows(page),
        ),
    },
    {
      name: '/runs sorted by cost',
      goal: '≤ 1 s',
      time: (page, base) =>
        timed(
          () => page.goto(`${base}/runs?sort=cost:desc`),
          () => rows(page),
        ),
    },
    {
      name: 'sort change (click the cost header), from the click',
      goal: '≤ 300 ms',
      async time(page, base) {
        await page.goto(`${base}/runs`);
        await rows(page);
        const before = await firstId(page);
        return fromInput(
          page,
          'pointerdown',
          () => page.locator('th button[data-sort="costUsd"]').click(),
          `document.querySelector('table[data-test="runs"] tbody tr td:nth-child(2) a')?.textContent !== ${JSON.stringify(before)}`,
        );
      },
    },
    {
      name: 'filter change (status = failed, with its count), from the choice',
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
        timed(
          () => page.goto(`${base}/runs/${encodeURIComponent(ids[0]!)}`),
          () => page.locator('pre[data-test="snapshot"]').waitFor(),
        ),
    },
    {
      name: '/compare of 10 runs',
      goal: '≤ 1 s',
      time: (page, base) =>
        timed(
          () => page.goto(`${base}/compare?ids=${ids.slice(0, 10).join(',')}`),
          () => page.locator('table[data-test="compare"] tbody tr').first().waitFor(),
        ),
    },
    {
      name: '/overview, first panel shown',
      goal: '≤ 1 s',
      async time(page, base) {
        const ms = await timed(
          () => page.goto(`${base}/overview`),
          () =>
            page.waitForFunction(
              "[...document.querySelectorAll('[data-ms]')].some((e) => e.getAttribute('data-ms') !== 'pending')",
            ),
        );
        await panels(page); // the other panels finish before the next step starts
        return ms;
      },
    },
    {
      name: '/overview, every panel shown',
      goal: '≤ 1 s',
      time: (page, base) =>
        timed(
          () => page.goto(`${base}/overview`),
          () => panels(page),
        ),
    },
    {
      name: '/runs while the overview is still loading',
      goal: '≤ 1 s',
      async time(page, base) {
        await page.goto(`${base}/overview`);
        const ms = await timed(
          () => page.getByRole('link', { name: 'Runs', exact: true }).click(),
          () => rows(page),
        );
        await drained(base);
        return ms;
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
  const options = { runs: DEFAULT_RUNS, reps: 3, db: null as string | null };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--size' && value) options.runs = parseSize(value);
    else if (argv[i] === '--reps' && value) options.reps = Number(value);
    else if (argv[i] === '--db' && value) options.db = path.resolve(value);
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
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
    const results = new Map<string, number[]>();
    for (let round = 0; round <= options.reps; round++) {
      for (const step of steps(ids)) {
        // A fresh page per step: no cache of the previous page's answers.
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const ms = await step.time(page, url);
        await page.close();
        if (round > 0) results.set(step.name, [...(results.get(step.name) ?? []), ms]);
      }
    }
    console.log(
      `\nrunmeta ui on ${path.basename(db)} — medians of ${options.reps} rounds after a warm-up\n`,
    );
    console.log('| what | median | goal |\n|---|---|---|');
    for (const step of steps(ids)) {
      console.log(
        `| ${step.name} | ${Math.round(median(results.get(step.name)!))} ms | ${step.goal} |`,
      );
    }
  } finally {
    await browser?.close();
    child.kill('SIGINT');
  }
}

await main();
