/**
 * The dashboard over a migrated v1 file, in headless Chromium: the shared
 * 393-run v1 fixture opened once (its runs move to the v1 archive beside the
 * new database), then served. Answers are checked against plain
 * better-sqlite3 reads of an untouched copy of the fixture.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, makeTempDir, removeDir } from '../../../test-support/temp-files.js';
import { useDashboard } from './dashboard.js';
import { plainRows } from './plain.js';

const FIXTURE = 'deployed-v1-20col-393runs.db';
const d = useDashboard({ fixture: FIXTURE });
let untouchedDir: string;
let untouched: string;
beforeAll(() => {
  untouchedDir = makeTempDir('ui-archive-untouched');
  untouched = copyFixture(FIXTURE, untouchedDir);
});
afterAll(() => removeDir(untouchedDir));
const v1 = <T>(sql: string, params: unknown[] = []) => plainRows<T>(untouched, sql, params);

/** Two archived runs whose mechanisms differ in some counts and agree in others. */
function twoRuns(): [string, string] {
  const [row] = v1<{ a: string; b: string }>(
    `WITH per AS (SELECT run_id, mechanism, count(*) AS n FROM mechanism_usage GROUP BY 1, 2)
     SELECT x.run_id AS a, y.run_id AS b FROM per AS x JOIN per AS y
       ON x.mechanism = y.mechanism AND x.run_id < y.run_id
     GROUP BY 1, 2 HAVING sum(x.n = y.n) > 0 AND sum(x.n != y.n) > 0
     ORDER BY 1, 2 LIMIT 1`,
  );
  return [row!.a, row!.b];
}

describe('the dashboard over a v1 archive', () => {
  it('lists the archive with a source column, when asked', async () => {
    expect(d.plain<{ n: number }>('SELECT count(*) AS n FROM runs')[0]!.n).toBe(0);
    await d.page.goto(`${d.server.url}/runs?archive=1`);
    const rows = d.page.locator('table[data-test="runs"] tbody tr');
    await rows.first().waitFor();
    const [{ n }] = v1<{ n: number }>('SELECT count(*) AS n FROM runs') as [{ n: number }];
    await expect.poll(() => d.page.locator('h1').textContent()).toContain(`(${n})`);
    const headings = await d.page.locator('table[data-test="runs"] thead th').allTextContents();
    expect(headings.slice(1, 3).map((h) => h.replace(/ [▲▼]$/, ''))).toEqual(['run id', 'source']);
    expect(await rows.first().locator('td').nth(2).textContent()).toBe('archive');
    // An archived run reports schema version 1.0 in a list, as on its own (SPEC §4).
    const listed = (await (
      await fetch(`${d.server.url}/api/runs?includeArchive=true&limit=5`)
    ).json()) as { runs: { schemaVersion: string | null; source: string }[] };
    expect(listed.runs.map((r) => [r.source, r.schemaVersion])).toEqual(
      listed.runs.map(() => ['archive', '1.0']),
    );
    const v1Runs = (await (
      await fetch(
        `${d.server.url}/api/count?includeArchive=true&where=${encodeURIComponent("schema_version = '1.0'")}`,
      )
    ).json()) as number;
    expect(v1Runs).toBe(n);
    expect(d.consoleErrors).toEqual([]);
  });

  it('an empty list without the archive says how many runs the archive holds, and includes it on a click', async () => {
    await d.page.goto(`${d.server.url}/runs?status=failed`);
    const [{ n }] = v1<{ n: number }>(
      "SELECT count(*) AS n FROM runs WHERE lower(trim(status)) = 'failed'",
    ) as [{ n: number }];
    expect(n).toBeGreaterThan(0);
    const empty = d.page.locator('[data-test="empty"]');
    await expect.poll(() => empty.textContent()).toContain(`${n} run(s) in the v1 archive do`);
    await d.page.getByRole('button', { name: 'Include the archive' }).click();
    await expect.poll(() => d.page.locator('h1').textContent()).toContain(`(${n})`);
    expect(new URL(d.page.url()).searchParams.get('archive')).toBe('1');
    expect(new URL(d.page.url()).searchParams.get('status')).toBe('failed');
    expect(d.consoleErrors).toEqual([]);
  });

  it('the overview says what each empty panel means, with and without the archive', async () => {
    await d.page.goto(`${d.server.url}/overview`);
    const panel = (name: string) => d.page.locator(`section[data-test="${name}"]`);
    await expect.poll(() => panel('top-templates').textContent()).toContain('No run matches.');
    await expect.poll(() => panel('coverage').textContent()).toContain('No run matches.');

    await d.page.goto(`${d.server.url}/overview?archive=1`);
    const [{ n }] = v1<{ n: number }>('SELECT count(*) AS n FROM runs') as [{ n: number }];
    await expect
      .poll(() => panel('coverage').textContent())
      .toContain(
        'No run of the active database matches: coverage reads mechanism events there only',
      );
    await expect.poll(() => panel('fidelity').textContent()).toContain('A v1 run has none stored');
    expect(await d.page.locator('body').textContent()).toContain(n.toLocaleString('en-US'));
    expect(d.consoleErrors).toEqual([]);
  });

  it('opens an archived run from its own link, with or without ?archive=1', async () => {
    const [id] = twoRuns();
    const [{ events }] = v1<{ events: number }>(
      'SELECT count(*) AS events FROM mechanism_usage WHERE run_id = ?',
      [id],
    ) as [{ events: number }];
    for (const link of [`/runs/${id}`, `/runs/${id}?archive=1`]) {
      await d.page.goto(`${d.server.url}${link}`);
      await d.page.locator('[data-test="from-archive"]').waitFor();
      expect(await d.page.locator('h1').textContent()).toContain(id);
      // The words stand apart: "completed from the v1 archive", not "completedfrom".
      expect(await d.page.locator('h1').innerText()).toMatch(/\w from the v1 archive$/);
      expect(await d.page.locator('h2', { hasText: 'Mechanisms' }).textContent()).toBe(
        `Mechanisms (${events} events)`,
      );
    }
    expect(await d.page.getByRole('alert').count()).toBe(0);
    expect(d.consoleErrors).toEqual([]);
  });

  it('compares archived runs, and "only differences" keeps the mechanisms used unequally', async () => {
    const [a, b] = twoRuns();
    const counts = v1<{ mechanism: string; a: number; b: number }>(
      `SELECT mechanism, sum(run_id = ?) AS a, sum(run_id = ?) AS b FROM mechanism_usage
       WHERE run_id IN (?, ?) GROUP BY mechanism`,
      [a, b, a, b],
    );
    await d.page.goto(`${d.server.url}/compare?ids=${a},${b},${a}`);
    const mechanisms = d.page.locator('table[data-test="mechanisms"] tbody tr');
    await mechanisms.first().waitFor();
    // The id named twice is compared once.
    expect(await d.page.locator('table[data-test="compare"] thead th').count()).toBe(3);
    expect(await mechanisms.count()).toBe(counts.length);
    const unequal = counts.filter((c) => c.a !== c.b).map((c) => c.mechanism);
    // Marked: every mechanism used unequally (other counts too, not only by one run alone).
    const marked = d.page.locator('table[data-test="mechanisms"] tbody tr.differs th');
    expect((await marked.allTextContents()).sort()).toEqual([...unequal].sort());
    await d.page.getByLabel('only differences').check();
    await expect.poll(() => mechanisms.count()).toBe(unequal.length);
    expect((await mechanisms.locator('th').allTextContents()).sort()).toEqual(unequal.sort());
    // The fixture records no validation: both runs passed and failed none alike.
    expect(v1<{ n: number }>('SELECT count(*) AS n FROM validations')[0]!.n).toBe(0);
    expect(await d.page.locator('table[data-test="validations"]').count()).toBe(0);
    expect(
      await d.page
        .getByText('No difference: the runs passed and failed the same validators.')
        .count(),
    ).toBe(1);
    expect(d.consoleErrors).toEqual([]);
  });
});
