/**
 * The built dashboard (`pnpm build` makes dist/app) in headless Chromium,
 * served by the real server over a copy of the shared 110-run fixture: the run
 * list, its sort, paging, filter and its error, a selection compared, and one
 * run's page — each checked against plain better-sqlite3 queries of the file.
 * Screenshots go to test-output/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MetadataManager } from '@runmeta/core';
import { openRunDatabase } from '@runmeta/node-sqlite';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath } from '../../../test-support/chromium.js';
import { copyFixture, makeTempDir, removeDir } from '../../../test-support/temp-files.js';
import { createRunsApi } from '../src/index.js';
import { startUiServer, type UiServer } from '../src/server.js';
import { plainRows } from './plain.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const appDir = path.resolve(here, '../dist/app');
const output = path.resolve(here, '../test-output');

let dir: string;
let file: string;
let manager: MetadataManager;
let server: UiServer;
let browser: Browser;
let page: Page;
let consoleErrors: string[];

function plain<T>(sql: string, params: unknown[] = []): T[] {
  return plainRows<T>(file, sql, params);
}

/** The run ids of the list's rows, in order. */
async function listedIds(): Promise<string[]> {
  return page.locator('table[data-test="runs"] tbody tr td:nth-child(2) a').allTextContents();
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(appDir, 'index.html'))) {
    throw new Error('Build the dashboard first: `pnpm build` at the repository root');
  }
  dir = makeTempDir('ui-app');
  file = copyFixture('deployed-v2-32col-110runs.db', dir);
  manager = await openRunDatabase(file, { readOnly: true });
  server = await startUiServer({ api: createRunsApi(manager), port: 0, appDir });
  browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  fs.mkdirSync(output, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await manager?.close();
  removeDir(dir);
});

beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  consoleErrors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
});

afterEach(async () => {
  await page.close();
});

describe('the dashboard', () => {
  it('lists runs newest first, sorts by a clicked column and pages on, and Back undoes a sort', async () => {
    await page.goto(`${server.url}/runs`);
    await page.locator('table[data-test="runs"] tbody tr').first().waitFor();
    expect(await page.locator('h1').textContent()).toContain('(110)');
    // By default newest first by run id (ids start with their time): an index answers it.
    const newest = plain<{ run_id: string }>(
      'SELECT run_id FROM runs ORDER BY run_id DESC LIMIT 50',
    ).map((r) => r.run_id);
    expect(await listedIds()).toEqual(newest);
    await page.screenshot({ path: path.join(output, 'runs.png') });

    // Sort by cost, most expensive first: one click on the header.
    await page.locator('th button[data-sort="costUsd"]').click();
    await page.waitForURL(/sort=cost%3Adesc|sort=cost:desc/);
    const byCost = plain<{ run_id: string }>(
      'SELECT run_id FROM runs ORDER BY cost_usd IS NULL, cost_usd DESC, run_id DESC',
    ).map((r) => r.run_id);
    await expect.poll(listedIds).toEqual(byCost.slice(0, 50));
    expect(await page.locator('th[aria-sort="descending"]').textContent()).toContain('costUsd');

    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(listedIds).toEqual(byCost.slice(50, 100));
    await page.getByRole('button', { name: 'Previous' }).click();
    await expect.poll(listedIds).toEqual(byCost.slice(0, 50));

    // Another filter is another list: its first page, and no Previous into the old one.
    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(listedIds).toEqual(byCost.slice(50, 100));
    await page.locator('select[name="status"]').selectOption('failed');
    const [{ failed }] = plain<{ failed: number }>(
      "SELECT count(*) AS failed FROM runs WHERE status = 'failed'",
    ) as [{ failed: number }];
    await expect.poll(() => page.locator('h1').textContent()).toContain(`(${failed})`);
    expect(await page.getByRole('button', { name: 'Previous' }).isDisabled()).toBe(true);
    expect(new URL(page.url()).searchParams.get('after')).toBeNull();

    // Back undoes the filter, then the pages.
    await page.goBack();
    await expect.poll(listedIds).toEqual(byCost.slice(50, 100));
    expect(consoleErrors).toEqual([]);
  });

  it('filters with --where, and shows a bad filter with its caret', async () => {
    await page.goto(`${server.url}/runs`);
    await page.locator('input[name="where"]').fill("status = 'failed' and cost_usd > 0.01");
    await page.locator('input[name="where"]').press('Enter');
    const [{ n }] = plain<{ n: number }>(
      "SELECT count(*) AS n FROM runs WHERE status = 'failed' AND cost_usd > 0.01",
    ) as [{ n: number }];
    await expect.poll(() => page.locator('h1').textContent()).toContain(`(${n})`);
    expect(new URL(page.url()).searchParams.get('where')).toBe(
      "status = 'failed' and cost_usd > 0.01",
    );

    await page.locator('input[name="where"]').fill("status = 'failed' and");
    await page.locator('input[name="where"]').press('Enter');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.locator('pre').textContent()).toMatch(/\^/);
    await page.screenshot({ path: path.join(output, 'runs-where-error.png') });
  });

  it('compares selected runs, with only the differences on demand', async () => {
    // The two most expensive runs: both on the first page sorted by cost.
    const ids = plain<{ run_id: string }>(
      'SELECT run_id FROM runs ORDER BY cost_usd DESC, run_id DESC LIMIT 2',
    ).map((r) => r.run_id);
    await page.goto(`${server.url}/runs?sort=cost:desc`);
    for (const id of ids) await page.getByLabel(`select ${id}`).check();
    await page.locator('[data-test="compare-selected"]').click();
    await page.waitForURL(/\/compare\?/);
    const table = page.locator('table[data-test="compare"]');
    await table.locator('tbody tr').first().waitFor();
    expect(await table.locator('thead th').allTextContents()).toEqual([
      'field',
      `${ids[0]} (baseline)`,
      ids[1],
    ]);
    const all = await table.locator('tbody tr').count();
    await page.getByLabel('only differences').check();
    await expect.poll(() => table.locator('tbody tr').count()).toBeLessThan(all);
    expect(await table.locator('tbody tr:not(.differs)').count()).toBe(0);
    const [a, b] = ids.map(
      (id) => plain<{ cost_usd: number }>('SELECT cost_usd FROM runs WHERE run_id = ?', [id])[0]!,
    );
    if (a!.cost_usd !== b!.cost_usd) {
      expect(await table.locator('tr[data-field="costUsd"]').count()).toBe(1);
    }
    await page.screenshot({ path: path.join(output, 'compare.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });

  it('shows one run: fields, events, validations and the snapshot', async () => {
    const [{ run_id: runId, n }] = plain<{ run_id: string; n: number }>(
      'SELECT run_id, count(*) AS n FROM mechanism_usage GROUP BY run_id ORDER BY n DESC, run_id LIMIT 1',
    ) as [{ run_id: string; n: number }];
    await page.goto(`${server.url}/runs/${encodeURIComponent(runId)}`);
    await page.locator('pre[data-test="snapshot"]').waitFor();
    expect(await page.locator('h1').textContent()).toContain(runId);
    expect(await page.locator('table[data-test="mechanisms"] tbody tr').count()).toBe(n);
    const perMechanism = plain<{ mechanism: string; events: number }>(
      'SELECT mechanism, count(*) AS events FROM mechanism_usage WHERE run_id = ? GROUP BY mechanism',
      [runId],
    );
    const summary = page.locator('table[data-test="mechanism-summary"] tbody tr');
    expect(await summary.count()).toBe(perMechanism.length);
    for (const { mechanism, events } of perMechanism) {
      const row = summary.filter({
        has: page.locator('th', { hasText: new RegExp(`^${mechanism.replace(/[+]/g, '\\+')}$`) }),
      });
      expect(await row.locator('td').first().textContent()).toBe(events.toLocaleString('en-US'));
    }
    const [{ v }] = plain<{ v: number }>('SELECT count(*) AS v FROM validations WHERE run_id = ?', [
      runId,
    ]) as [{ v: number }];
    expect(await page.locator('table[data-test="validations"] tbody tr').count()).toBe(v);
    expect(await page.locator('pre[data-test="snapshot"]').textContent()).toContain(runId);
    await page.screenshot({ path: path.join(output, 'run.png') });
    expect(consoleErrors).toEqual([]);
  });

  it('fits a phone width, in the dark scheme too', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${server.url}/runs`);
    await page.locator('table[data-test="runs"] tbody tr').first().waitFor();
    // The page itself does not scroll sideways: the table scrolls in its box.
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(output, 'runs-phone-dark.png') });
  });
});
