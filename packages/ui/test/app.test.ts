/**
 * The built dashboard (`pnpm build` makes dist/app) in headless Chromium,
 * served by the real server over a copy of the shared 110-run fixture: the run
 * list, its sort, paging, filter and its error, a selection compared, and one
 * run's page — each checked against plain better-sqlite3 queries of the file.
 * Screenshots go to test-output/.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { output, useDashboard } from './dashboard.js';

const d = useDashboard();
const plain = <T>(sql: string, params: unknown[] = []) => d.plain<T>(sql, params);

/** The run ids of the list's rows, in order. */
async function listedIds(): Promise<string[]> {
  return d.page.locator('table[data-test="runs"] tbody tr td:nth-child(2) a').allTextContents();
}

describe('the dashboard', () => {
  it('lists runs newest first, sorts by a clicked column and pages on, and Back undoes a sort', async () => {
    await d.page.goto(`${d.server.url}/runs`);
    await d.page.locator('table[data-test="runs"] tbody tr').first().waitFor();
    expect(await d.page.locator('h1').textContent()).toContain('(110)');
    // By default newest first by run id (ids start with their time): an index answers it.
    const newest = plain<{ run_id: string }>(
      'SELECT run_id FROM runs ORDER BY run_id DESC LIMIT 50',
    ).map((r) => r.run_id);
    expect(await listedIds()).toEqual(newest);
    await d.page.screenshot({ path: path.join(output, 'runs.png') });
    // The default columns fit 1280 px: no sideways scroll hides the last one.
    const fit = await d.page.evaluate(
      `(() => { const t = document.querySelector('table[data-test="runs"]'); return [t.scrollWidth, t.parentElement.clientWidth]; })()`,
    );
    const [tableWidth, boxWidth] = fit as [number, number];
    expect(tableWidth).toBeLessThanOrEqual(boxWidth);
    // A time to the second; the stored text in its title.
    const created = d.page
      .locator('table[data-test="runs"] tbody tr')
      .first()
      .locator('td span[title]')
      .nth(3);
    expect(await created.textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    // A number's title is the stored value, unrounded.
    const [{ cost_usd }] = plain<{ cost_usd: number }>(
      'SELECT cost_usd FROM runs WHERE run_id = ?',
      [newest[0]],
    ) as [{ cost_usd: number }];
    const costCell = d.page
      .locator('table[data-test="runs"] tbody tr')
      .first()
      .locator('td.num span')
      .first();
    expect(await costCell.getAttribute('title')).toBe(String(cost_usd));
    // Shown in dollars, as the overview shows costs.
    expect(await costCell.textContent()).toMatch(/^\$\d/);

    // Sort by cost, most expensive first: one click on the header.
    await d.page.locator('th button[data-sort="costUsd"]').click();
    await d.page.waitForURL(/sort=cost%3Adesc|sort=cost:desc/);
    const byCost = plain<{ run_id: string }>(
      'SELECT run_id FROM runs ORDER BY cost_usd IS NULL, cost_usd DESC, run_id DESC',
    ).map((r) => r.run_id);
    await expect.poll(listedIds).toEqual(byCost.slice(0, 50));
    /** Click the pager's `button`, then see the 50 runs by cost from `from` on. */
    const turn = async (button: string, from: number) => {
      await d.page.getByRole('button', { name: button }).click();
      await expect.poll(listedIds).toEqual(byCost.slice(from, from + 50));
    };
    // Headed by its sort key, as the URL names it; the field's name is its title.
    const sorted = d.page.locator('th[aria-sort="descending"]');
    expect((await sorted.textContent())?.trim()).toBe('cost ▼');
    expect(await sorted.getAttribute('title')).toBe('costUsd');

    await turn('Next', 50);
    await turn('Previous', 0);

    // Another filter is another list: its first page, and no Previous into the old one.
    await turn('Next', 50);
    await d.page.locator('select[name="status"]').selectOption('failed');
    const [{ failed }] = plain<{ failed: number }>(
      "SELECT count(*) AS failed FROM runs WHERE status = 'failed'",
    ) as [{ failed: number }];
    await expect.poll(() => d.page.locator('h1').textContent()).toContain(`(${failed})`);
    expect(await d.page.getByRole('button', { name: 'Previous' }).isDisabled()).toBe(true);
    expect(new URL(d.page.url()).searchParams.get('after')).toBeNull();

    // Back undoes the filter, then the pages.
    await d.page.goBack();
    await expect.poll(listedIds).toEqual(byCost.slice(50, 100));

    // A reloaded (or shared) page says which rows it shows; the second goes back to the first.
    await d.page.reload();
    await expect.poll(listedIds).toEqual(byCost.slice(50, 100));
    const position = d.page.locator('[data-test="position"]');
    await expect.poll(() => position.textContent()).toContain(`rows 51–100 of ${byCost.length}`);
    // The same page by its cursor alone (a link cut short) does not claim to be rows 1–50.
    const cut = new URL(d.page.url());
    cut.searchParams.delete('page');
    await d.page.goto(cut.href);
    await expect.poll(listedIds).toEqual(byCost.slice(50, 100));
    expect(await position.textContent()).not.toContain('rows');
    await turn('Previous', 0);
    await expect.poll(() => position.textContent()).toContain('rows 1–50');
    await turn('Next', 50);
    await d.page.reload();
    await turn('Previous', 0);
    await expect.poll(() => position.textContent()).toContain('rows 1–50');
    expect(await d.page.getByRole('button', { name: 'Previous' }).isDisabled()).toBe(true);
    // A reloaded third page knows no second one (a cursor reads forward only): "First page".
    await turn('Next', 50);
    await turn('Next', 100);
    await d.page.reload();
    await expect.poll(() => position.textContent()).toContain(`rows 101–${byCost.length}`);
    await turn('First page', 0);

    // Next twice, Back, then Previous: the first page, said as such.
    await turn('Next', 50);
    await turn('Next', 100);
    await d.page.goBack();
    await expect.poll(listedIds).toEqual(byCost.slice(50, 100));
    await turn('Previous', 0);
    await expect.poll(() => position.textContent()).toContain('rows 1–50');
    expect(d.consoleErrors).toEqual([]);
  });

  it('filters with --where, and shows a bad filter with its caret', async () => {
    await d.page.goto(`${d.server.url}/runs`);
    await d.page.locator('input[name="where"]').fill("status = 'failed' and cost_usd > 0.01");
    await d.page.locator('input[name="where"]').press('Enter');
    const [{ n }] = plain<{ n: number }>(
      "SELECT count(*) AS n FROM runs WHERE status = 'failed' AND cost_usd > 0.01",
    ) as [{ n: number }];
    await expect.poll(() => d.page.locator('h1').textContent()).toContain(`(${n})`);
    expect(new URL(d.page.url()).searchParams.get('where')).toBe(
      "status = 'failed' and cost_usd > 0.01",
    );

    await d.page.locator('input[name="where"]').fill("status = 'failed' and");
    await d.page.locator('input[name="where"]').press('Enter');
    const alert = d.page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.locator('pre').textContent()).toMatch(/\^/);
    await d.page.screenshot({ path: path.join(output, 'runs-where-error.png') });

    // An unknown column: the list of columns wraps within the note, nothing scrolls sideways.
    await d.page.locator('input[name="where"]').fill('cost > 1');
    await d.page.locator('input[name="where"]').press('Enter');
    await expect.poll(() => alert.locator('strong').textContent()).toMatch(/unknown column "cost"/);
    expect(await alert.locator('.advice').first().textContent()).toMatch(
      /^Columns: created \(created_at, else started_at\), .*run_id/,
    );
    const [wide, room] = (await d.page.evaluate(
      `(() => { const a = document.querySelector('[role="alert"]'); return [a.scrollWidth, a.clientWidth]; })()`,
    )) as [number, number];
    expect(wide).toBeLessThanOrEqual(room);
  });

  it('shows every filter a link sets: a time, a value in another case, a deployed mode', async () => {
    const [{ since }] = plain<{ since: string }>(
      'SELECT started_at AS since FROM runs ORDER BY 1 LIMIT 1 OFFSET 20',
    ) as [{ since: string }];
    const time = since.slice(0, 19).replace(' ', 'T');
    await d.page.goto(
      `${d.server.url}/runs?since=${encodeURIComponent(time)}&status=FAILED&mode=PEARL`,
    );
    const [{ n }] = plain<{ n: number }>(
      `SELECT count(*) AS n FROM runs WHERE lower(trim(status)) = 'failed' AND lower(trim(causal_mode)) = 'pearl' AND datetime(started_at) >= datetime(?)`,
      [time],
    ) as [{ n: number }];
    expect(n).toBeGreaterThan(0);
    await expect.poll(() => d.page.locator('h1').textContent()).toContain(`(${n})`);
    expect(await d.page.locator('input[name="since"]').inputValue()).toBe(time);
    expect(await d.page.locator('select[name="status"]').inputValue()).toBe('failed');
    expect(await d.page.locator('select[name="mode"]').inputValue()).toBe('pearl');
    await d.page.screenshot({ path: path.join(output, 'runs-filters-from-link.png') });
    expect(d.consoleErrors).toEqual([]);
  });

  it('says a path has no page, and names the pages there are', async () => {
    for (const at of ['/nosuchpage', '/runs/some-run/extra']) {
      await d.page.goto(`${d.server.url}${at}`);
      await expect.poll(() => d.page.locator('h1').textContent()).toBe('No such page');
      expect(await d.page.locator('[data-test="not-found"] code').first().textContent()).toBe(at);
      expect(new URL(d.page.url()).pathname).toBe(at);
      expect(await d.page.title()).toBe('No such page · runmeta');
    }
    await d.page.locator('[data-test="not-found"]').getByRole('link', { name: 'Runs' }).click();
    await d.page.locator('table[data-test="runs"] tbody tr').first().waitFor();
    expect(d.consoleErrors).toEqual([]);
  });

  it('compares selected runs, with only the differences on demand', async () => {
    // The two most expensive runs: both on the first page sorted by cost.
    const ids = plain<{ run_id: string }>(
      'SELECT run_id FROM runs ORDER BY cost_usd DESC, run_id DESC LIMIT 2',
    ).map((r) => r.run_id);
    await d.page.goto(`${d.server.url}/runs?sort=cost:desc`);
    for (const id of ids) await d.page.getByLabel(`select ${id}`).check();
    await d.page.locator('[data-test="compare-selected"]').click();
    await d.page.waitForURL(/\/compare\?/);
    const table = d.page.locator('table[data-test="compare"]');
    await table.locator('tbody tr').first().waitFor();
    expect(await table.locator('thead th').allTextContents()).toEqual([
      'field',
      `${ids[0]} (baseline)`,
      ids[1],
    ]);
    const all = await table.locator('tbody tr').count();
    await d.page.getByLabel('only differences').check();
    await expect.poll(() => table.locator('tbody tr').count()).toBeLessThan(all);
    expect(await table.locator('tbody tr:not(.differs)').count()).toBe(0);
    const [a, b] = ids.map(
      (id) => plain<{ cost_usd: number }>('SELECT cost_usd FROM runs WHERE run_id = ?', [id])[0]!,
    );
    if (a!.cost_usd !== b!.cost_usd) {
      expect(await table.locator('tr[data-field="costUsd"]').count()).toBe(1);
    }
    await d.page.screenshot({ path: path.join(output, 'compare.png'), fullPage: true });
    expect(d.consoleErrors).toEqual([]);
  });

  it('shows one run: fields, events, validations and the snapshot', async () => {
    const [{ run_id: runId, n }] = plain<{ run_id: string; n: number }>(
      'SELECT run_id, count(*) AS n FROM mechanism_usage GROUP BY run_id ORDER BY n DESC, run_id LIMIT 1',
    ) as [{ run_id: string; n: number }];
    await d.page.goto(`${d.server.url}/runs/${encodeURIComponent(runId)}`);
    await d.page.locator('pre[data-test="snapshot"]').waitFor();
    expect(await d.page.locator('h1').textContent()).toContain(runId);
    expect(await d.page.locator('table[data-test="mechanisms"] tbody tr').count()).toBe(n);
    const perMechanism = plain<{ mechanism: string; events: number }>(
      'SELECT mechanism, count(*) AS events FROM mechanism_usage WHERE run_id = ? GROUP BY mechanism',
      [runId],
    );
    const summary = d.page.locator('table[data-test="mechanism-summary"] tbody tr');
    expect(await summary.count()).toBe(perMechanism.length);
    for (const { mechanism, events } of perMechanism) {
      const row = summary.filter({
        has: d.page.locator('th', { hasText: new RegExp(`^${mechanism.replace(/[+]/g, '\\+')}$`) }),
      });
      expect(await row.locator('td').first().textContent()).toBe(events.toLocaleString('en-US'));
    }
    const [{ v }] = plain<{ v: number }>('SELECT count(*) AS v FROM validations WHERE run_id = ?', [
      runId,
    ]) as [{ v: number }];
    expect(await d.page.locator('table[data-test="validations"] tbody tr').count()).toBe(v);
    expect(await d.page.locator('pre[data-test="snapshot"]').textContent()).toContain(runId);
    await d.page.screenshot({ path: path.join(output, 'run.png') });
    expect(d.consoleErrors).toEqual([]);
  });

  it('chooses columns by their headings, each naming the field it shows', async () => {
    await d.page.goto(`${d.server.url}/runs?status=failed`);
    const rows = d.page.locator('table[data-test="runs"] tbody tr');
    await rows.first().waitFor();
    await d.page.locator('details summary', { hasText: 'Columns' }).click();
    const choice = (text: string) => d.page.locator('.choices label', { hasText: text });
    expect(await choice('createdAt, else startedAt').textContent()).toMatch(/^\s*created\s/);
    expect(await choice('(costUsd)').textContent()).toMatch(/^\s*cost\s/);
    // A field of this file's runs, not shown by default: ticked, it is a column of the stored values.
    await choice('errorMessage').locator('input').check();
    await d.page.waitForURL(/cols=/);
    expect(await d.page.locator('table[data-test="runs"] thead th').allTextContents()).toContain(
      'errorMessage',
    );
    const id = (await rows.first().locator('a').first().textContent())!;
    const [{ error_message }] = plain<{ error_message: string | null }>(
      'SELECT error_message FROM runs WHERE run_id = ?',
      [id],
    ) as [{ error_message: string | null }];
    expect(error_message).toBeTruthy(); // the newest failed run says why
    expect(await rows.first().locator('td').last().locator('span').getAttribute('title')).toBe(
      error_message,
    );
    // Unticked, the column goes, and the link keeps the choice.
    await choice('(tokensUsed)').locator('input').uncheck();
    await expect
      .poll(() => new URL(d.page.url()).searchParams.get('cols'))
      .not.toMatch(/tokensUsed/);
    expect(
      await d.page.locator('table[data-test="runs"] thead th').allTextContents(),
    ).not.toContain('tokens');
    expect(d.consoleErrors).toEqual([]);
  });

  it('fits a phone width, in the dark scheme too', async () => {
    await d.page.setViewportSize({ width: 390, height: 844 });
    await d.page.emulateMedia({ colorScheme: 'dark' });
    await d.page.goto(`${d.server.url}/runs`);
    await d.page.locator('table[data-test="runs"] tbody tr').first().waitFor();
    // The page itself does not scroll sideways: the table scrolls in its box.
    const overflow = await d.page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await d.page.screenshot({ path: path.join(output, 'runs-phone-dark.png') });
  });
});
