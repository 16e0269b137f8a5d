/**
 * The overview after someone wrote, in headless Chromium over a live copy of
 * the shared 110-run fixture served through `cacheAnswers`: the coverage panel
 * first shows the answer kept of before the write, marked "as of … updating",
 * then the current one — each checked against plain better-sqlite3 counts of
 * the file before and after the write. The current coverage is held back until
 * the test has seen the kept one (a real answer, only later).
 */
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createRunsApi, type RunsApi } from '../src/index.js';
import { cacheAnswers } from '../src/server.js';
import { output, useDashboard } from './dashboard.js';

/** While set, coverage answers wait for it. */
let hold: Promise<void> | null = null;

const d = useDashboard({
  apis: (manager) => {
    const real = createRunsApi(manager);
    const api: RunsApi = {
      ...real,
      coverage: async (filter) => {
        await hold;
        return real.coverage(filter);
      },
    };
    const { current, quick } = cacheAnswers(api, { version: () => manager.dataVersion() });
    return { api: current, quickApi: quick };
  },
});

const coverageTiming = () => d.page.locator('[data-test="coverage"] header [data-ms]');
const matrixRow = (template: string) =>
  d.page.locator('[data-test="coverage"] tbody tr', { hasText: template });

describe('the overview after a write', () => {
  it('shows the kept coverage at once, marked with its time, then the current one', async () => {
    await d.page.goto(`${d.server.url}/overview`);
    await expect.poll(() => coverageTiming().getAttribute('data-ms')).not.toBe('pending');
    expect(await coverageTiming().getAttribute('data-stale')).toBe('false');
    const templates = () =>
      d.plain<{ n: number }>('SELECT count(DISTINCT template_id) AS n FROM runs')[0]!.n;
    const before = templates();
    expect(await d.page.locator('[data-test="coverage"] tbody tr').count()).toBe(before);

    // A simulation commits a run of a new template, with one mechanism event.
    const db = new BetterSqlite3(d.file);
    db.exec(`BEGIN;
      INSERT INTO runs (run_id, template_id, status, started_at, causal_mode)
        VALUES ('stale-probe', 'stale_probe', 'running', '2025-11-02T10:00:00Z', 'pearl');
      INSERT INTO mechanism_usage (run_id, mechanism, function_name, timestamp)
        VALUES ('stale-probe', 'M3', 'probe', '2025-11-02T10:00:01Z');
      COMMIT;`);
    db.close();
    expect(templates()).toBe(before + 1);

    let release = () => {};
    hold = new Promise((resolve) => {
      release = resolve;
    });
    await d.page.reload();
    // The kept answer, of before the write, and said to be so.
    await expect.poll(() => coverageTiming().getAttribute('data-stale')).toBe('true');
    expect(await coverageTiming().textContent()).toMatch(/^as of .+: updating…$/);
    expect(await d.page.locator('[data-test="coverage"] tbody tr').count()).toBe(before);
    expect(await matrixRow('stale_probe').count()).toBe(0);
    // The key figures were not held: they are already of the file as it is now.
    const runs = d.plain<{ n: number }>('SELECT count(*) AS n FROM runs')[0]!.n;
    await expect
      .poll(() => d.page.locator('[data-test="kpis"]').textContent())
      .toContain(runs.toLocaleString('en-US'));
    await d.page.screenshot({ path: path.join(output, 'overview-updating.png'), fullPage: true });
    await d.page
      .locator('[data-test="coverage"]')
      .screenshot({ path: path.join(output, 'overview-updating-coverage.png') });

    release();
    hold = null;
    await expect.poll(() => coverageTiming().getAttribute('data-stale')).toBe('false');
    expect(await coverageTiming().textContent()).toMatch(/^answered in \d+ ms$/);
    expect(await d.page.locator('[data-test="coverage"] tbody tr').count()).toBe(before + 1);
    // One run of the new template, which used M3: 100% in its M3 cell, its runs 1.
    const row = matrixRow('stale_probe');
    expect(await row.locator('td').first().textContent()).toBe('1');
    expect(await row.locator('td[title^="M3:"]').textContent()).toBe('100%');
    expect(d.consoleErrors).toEqual([]);
  });
});
