/**
 * The overview page and the run list's CSV download, in headless Chromium over
 * the shared 110-run fixture: every chart's numbers (its table) checked against
 * plain better-sqlite3 queries of the file, the coverage matrix and the top
 * templates too; the download's rows against the same list read by SQL.
 * Screenshots go to test-output/ (overview.png, overview-phone-dark.png).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { output, useDashboard } from './dashboard.js';

const d = useDashboard();

/** A chart's numbers, as its table shows them once "Numbers" is opened: row label → cells. */
async function chartRows(title: string): Promise<Map<string, string[]>> {
  const details = d.page.locator(`figure[aria-label="${title}"] details`);
  if ((await details.getAttribute('open')) === null) {
    await details.locator('summary').click();
  }
  const table = d.page.locator(`table[data-test="chart-${title}"]`);
  await table.waitFor();
  const rows = new Map<string, string[]>();
  for (const row of await table.locator('tbody tr').all()) {
    rows.set(
      (await row.locator('th').textContent()) ?? '',
      await row.locator('td').allTextContents(),
    );
  }
  return rows;
}

const grouped = (n: number) => n.toLocaleString('en-US');

/** Wait until every panel has answered. */
async function answered(): Promise<void> {
  await d.page.waitForFunction(
    "document.querySelectorAll('[data-ms]').length >= 5 && [...document.querySelectorAll('[data-ms]')].every((e) => e.getAttribute('data-ms') !== 'pending')",
  );
}

describe('the overview', () => {
  it('charts runs per day by status, compliance, fidelity, top templates and coverage as SQL counts them', async () => {
    await d.page.goto(`${d.server.url}/overview`);
    await answered();
    const [{ runs }] = d.plain<{ runs: number }>('SELECT count(*) AS runs FROM runs') as [
      { runs: number },
    ];
    expect(await d.page.locator('[data-test="kpis"]').textContent()).toContain(grouped(runs));

    // Runs per day and status: the creation day of this file's zone-less times is their text's.
    const perDay = d.plain<{ day: string; status: string; n: number }>(
      'SELECT substr(started_at, 1, 10) AS day, lower(trim(status)) AS status, count(*) AS n FROM runs GROUP BY 1, 2',
    );
    const days = await chartRows('Runs per day by status');
    // Every day from the first run's to the last run's, the days without runs at zero.
    const withRuns = [...new Set(perDay.map((r) => r.day))].sort();
    const every: string[] = [];
    for (let t = Date.parse(withRuns[0]!); t <= Date.parse(withRuns.at(-1)!); t += 86_400_000) {
      every.push(new Date(t).toISOString().slice(0, 10));
    }
    expect([...days.keys()]).toEqual(every);
    expect(every.length).toBeGreaterThan(withRuns.length); // this file has quiet days
    for (const { day, status, n } of perDay) {
      const column = ['completed', 'failed', 'running', 'other'].indexOf(status);
      expect(days.get(day)![column]).toBe(grouped(n));
    }
    for (const day of every.filter((d) => !withRuns.includes(d))) {
      expect(days.get(day)).toEqual(['0', '0', '0', '0']);
    }

    // Compliance: each bin holds the values from its lower edge up to (not including) its upper one.
    const values = d
      .plain<{ c: number }>(
        'SELECT token_budget_compliance AS c FROM runs WHERE token_budget_compliance IS NOT NULL',
      )
      .map((r) => r.c);
    // Bins end at three times the budget; this file's outliers (up to 158) are one last bar.
    const bins = [...(await chartRows('Runs per compliance bin'))];
    const [over] = bins.at(-1)!;
    expect(over).toMatch(/^> 3/);
    expect(Math.max(...values)).toBeGreaterThan(Number(over.slice(2)));
    let binned = 0;
    for (const [k, [label, [shown]]] of bins.entries()) {
      const number = (x: string) => Number(x.replaceAll(',', ''));
      const [from, to] = label.split('–').map(number);
      const lastBin = k === bins.length - 2;
      const inside = label.startsWith('> ')
        ? values.filter((v) => v > number(label.slice(2))).length
        : values.filter((v) => v >= from! && (lastBin ? v <= to! : v < to!)).length;
      expect([label, shown]).toEqual([label, grouped(inside)]);
      binned += inside;
    }
    expect(binned).toBe(values.length);

    // Top templates by cost: the costliest first.
    const costs = d.plain<{ template_id: string }>(
      'SELECT template_id FROM runs GROUP BY template_id ORDER BY sum(coalesce(cost_usd, 0)) DESC LIMIT 10',
    );
    const top = await chartRows(`The ${costs.length} costliest templates (USD)`);
    expect([...top.keys()]).toEqual(costs.map((r) => r.template_id ?? 'no template'));

    // Coverage: each template's runs, and a cell per mechanism its runs used.
    const perTemplate = d.plain<{ template_id: string; n: number }>(
      'SELECT template_id, count(*) AS n FROM runs GROUP BY 1',
    );
    const matrix = d.page.locator('[data-test="coverage"] table tbody tr');
    expect(await matrix.count()).toBe(perTemplate.length);
    for (const { template_id, n } of perTemplate) {
      const row = matrix.filter({
        has: d.page.getByRole('link', { name: template_id, exact: true }),
      });
      expect(await row.locator('td').first().textContent()).toBe(grouped(n));
    }
    const [{ mechanisms }] = d.plain<{ mechanisms: number }>(
      'SELECT count(DISTINCT mechanism) AS mechanisms FROM mechanism_usage WHERE run_id IN (SELECT run_id FROM runs)',
    ) as [{ mechanisms: number }];
    expect(await d.page.locator('[data-test="coverage"] thead th').count()).toBe(mechanisms + 2);

    await d.page.screenshot({ path: path.join(output, 'overview.png'), fullPage: true });
    expect(d.consoleErrors).toEqual([]);
  });

  it('follows the filter bar, and keeps it in the URL', async () => {
    await d.page.goto(`${d.server.url}/overview`);
    await answered();
    await d.page.locator('select[name="status"]').selectOption('failed');
    await d.page.waitForURL(/status=failed/);
    const [{ n }] = d.plain<{ n: number }>(
      "SELECT count(*) AS n FROM runs WHERE status = 'failed'",
    ) as [{ n: number }];
    await answered();
    await expect
      .poll(() => d.page.locator('[data-test="kpis"] div').first().textContent())
      .toContain(grouped(n));
    // By week: one bar per Monday-started week.
    await d.page.locator('select[name="by"]').selectOption('week');
    await d.page.waitForURL(/by=week/);
    await answered();
    const weeks = await chartRows('Runs per week by status');
    const total = [...weeks.values()].reduce((s, [c, f, r, o]) => {
      return s + [c, f, r, o].reduce((t, x) => t + Number(x!.replaceAll(',', '')), 0);
    }, 0);
    expect(total).toBe(n);
    // The run list, from the bar at the top, lists the same runs.
    await d.page.getByRole('navigation').getByRole('link', { name: 'Runs' }).click();
    await d.page.waitForURL(/\/runs\?.*status=failed/);
    await expect.poll(() => d.page.locator('h1').textContent()).toContain(`(${n})`);
    expect(d.consoleErrors).toEqual([]);
  });

  it('draws runs all past three times their budget as the one last bar', async () => {
    const where = 'token_budget_compliance > 3';
    await d.page.goto(`${d.server.url}/overview?where=${encodeURIComponent(where)}`);
    await answered();
    const [{ n }] = d.plain<{ n: number }>(`SELECT count(*) AS n FROM runs WHERE ${where}`) as [
      { n: number },
    ];
    expect(n).toBeGreaterThan(0);
    const bins = await chartRows('Runs per compliance bin');
    expect([...bins]).toEqual([['> 3', [grouped(n)]]]);
    expect(await d.page.locator('[data-test="compliance"]').textContent()).toContain(
      `${grouped(n)} used more than 3 times their budget`,
    );
    expect(d.consoleErrors).toEqual([]);
  });

  it('takes a range of days from the date pickers, both days included', async () => {
    await d.page.goto(`${d.server.url}/runs`);
    await d.page.locator('table[data-test="runs"] tbody tr').first().waitFor();
    await d.page.locator('input[name="since"]').fill('2025-12-12');
    await d.page.locator('input[name="until"]').fill('2025-12-17');
    const [{ n }] = d.plain<{ n: number }>(
      "SELECT count(*) AS n FROM runs WHERE substr(started_at, 1, 10) BETWEEN '2025-12-12' AND '2025-12-17'",
    ) as [{ n: number }];
    const [{ day }] = d.plain<{ day: number }>(
      "SELECT count(*) AS day FROM runs WHERE substr(started_at, 1, 10) = '2025-12-17'",
    ) as [{ day: number }];
    expect(day).toBeGreaterThan(0); // the last day has runs: including it matters
    await expect.poll(() => d.page.locator('h1').textContent()).toContain(`(${n})`);
    expect(new URL(d.page.url()).searchParams.get('until')).toBe('2025-12-17');
    expect(d.consoleErrors).toEqual([]);
  });

  it('says a bad filter once, with its caret, and stays within the page', async () => {
    await d.page.setViewportSize({ width: 390, height: 844 });
    const where = `status = 'failed' and ${'cost_usd > 0 and '.repeat(20)}`;
    await d.page.goto(`${d.server.url}/overview?where=${encodeURIComponent(where)}`);
    await answered();
    const alerts = d.page.getByRole('alert');
    expect(await alerts.count()).toBe(1);
    expect(await alerts.locator('pre').textContent()).toMatch(/\^/);
    const overflow = await d.page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await d.page.locator('[data-test="coverage"]').textContent()).toContain('failed after');

    // A bad day: one note in the bar's words, though core names it twice (options.since, filter.since).
    await d.page.goto(`${d.server.url}/overview?since=garbage`);
    await answered();
    expect(await alerts.count()).toBe(1);
    expect(await alerts.locator('strong').textContent()).toMatch(/^Invalid since: /);
    expect(await alerts.textContent()).toContain('Fix since in the filter bar');
  });

  it('fits a phone width in the dark scheme', async () => {
    await d.page.setViewportSize({ width: 390, height: 844 });
    await d.page.emulateMedia({ colorScheme: 'dark' });
    await d.page.goto(`${d.server.url}/overview`);
    await answered();
    const overflow = await d.page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await d.page.screenshot({ path: path.join(output, 'overview-phone-dark.png'), fullPage: true });
  });
});

describe('the CSV download', () => {
  it('holds every run of the filter, in the list order, with the columns shown', async () => {
    await d.page.goto(
      `${d.server.url}/runs?status=failed&sort=cost:desc&cols=runId,costUsd,status`,
    );
    await d.page.locator('table[data-test="runs"] tbody tr').first().waitFor();
    const [download] = await Promise.all([
      d.page.waitForEvent('download'),
      d.page.locator('[data-test="download-csv"]').click(),
    ]);
    expect(download.suggestedFilename()).toBe('runs.csv');
    const saved = path.join(d.dir, 'download.csv');
    await download.saveAs(saved);
    const lines = fs.readFileSync(saved, 'utf8').split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe('runId,costUsd,status');
    const expected = d.plain<{ run_id: string; cost_usd: number | null }>(
      "SELECT run_id, cost_usd FROM runs WHERE status = 'failed' ORDER BY cost_usd IS NULL, cost_usd DESC, run_id DESC",
    );
    expect(lines.slice(1, -1)).toEqual(
      expected.map((r) => `${r.run_id},${r.cost_usd ?? ''},failed`),
    );
    expect(d.consoleErrors).toEqual([]);
  });
});
