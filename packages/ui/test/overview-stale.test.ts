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

/** While set, coverage and summary answers wait for it. */
let hold: Promise<void> | null = null;
/** While true, coverage is refused (as a database that became unreadable would be). */
let refuse = false;

const d = useDashboard({
  apis: (manager) => {
    const real = createRunsApi(manager);
    const api: RunsApi = {
      ...real,
      coverage: async (filter) => {
        await hold;
        if (refuse) throw new Error('database disk image is malformed');
        return real.coverage(filter);
      },
      summarize: async (options) => {
        await hold;
        return real.summarize(options);
      },
    };
    const version = () => manager.dataVersion();
    const kept = cacheAnswers(api, { version });
    return { api: kept.current, kept, version };
  },
});

const runs = () => d.plain<{ n: number }>('SELECT count(*) AS n FROM runs')[0]!.n;

/** A simulation commits a run of `template`, with one M3 event. */
function write(runId: string, template: string): void {
  const db = new BetterSqlite3(d.file);
  try {
    db.exec('BEGIN');
    db.prepare(
      "INSERT INTO runs (run_id, template_id, status, started_at, causal_mode) VALUES (?, ?, 'running', '2025-11-02T10:00:00Z', 'pearl')",
    ).run(runId, template);
    db.prepare(
      "INSERT INTO mechanism_usage (run_id, mechanism, function_name, timestamp) VALUES (?, 'M3', 'probe', '2025-11-02T10:00:01Z')",
    ).run(runId);
    db.exec('COMMIT');
  } finally {
    db.close();
  }
}

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

    const runsBefore = runs();
    expect(await d.page.locator('[data-test="kpis"]').textContent()).toContain(
      runsBefore.toLocaleString('en-US'),
    );
    write('stale-probe', 'stale_probe');
    expect(templates()).toBe(before + 1);
    expect(runs()).toBe(runsBefore + 1);

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
    // The key figures too: the runs before the write, dimmed and said to be of then.
    const kpis = d.page.locator('[data-test="kpis"]');
    await expect.poll(() => kpis.getAttribute('data-stale')).toBe('true');
    expect(await kpis.textContent()).toContain(runsBefore.toLocaleString('en-US'));
    expect(await kpis.textContent()).toMatch(/as of .+: updating…/);
    await d.page.screenshot({ path: path.join(output, 'overview-updating.png'), fullPage: true });
    await d.page
      .locator('[data-test="coverage"]')
      .screenshot({ path: path.join(output, 'overview-updating-coverage.png') });

    release();
    hold = null;
    await expect.poll(() => coverageTiming().getAttribute('data-stale')).toBe('false');
    expect(await coverageTiming().textContent()).toMatch(/^answered in \d+ ms$/);
    await expect.poll(() => kpis.getAttribute('data-stale')).toBe('false');
    expect(await kpis.textContent()).toContain(runs().toLocaleString('en-US'));
    expect(await kpis.textContent()).not.toContain('as of');
    expect(await d.page.locator('[data-test="coverage"] tbody tr').count()).toBe(before + 1);
    // One run of the new template, which used M3: 100% in its M3 cell, its runs 1.
    const row = matrixRow('stale_probe');
    expect(await row.locator('td').first().textContent()).toBe('1');
    expect(await row.locator('td[title^="M3:"]').textContent()).toBe('100%');
    expect(d.consoleErrors).toEqual([]);
  });

  it('takes the kept answer away when the current one is refused: nothing old is shown unmarked', async () => {
    await d.page.goto(`${d.server.url}/overview`);
    await expect.poll(() => coverageTiming().getAttribute('data-stale')).toBe('false');
    write('refused-probe', 'refused_probe');
    let release = () => {};
    hold = new Promise((resolve) => {
      release = resolve;
    });
    refuse = true;
    await d.page.reload();
    await expect.poll(() => coverageTiming().getAttribute('data-stale')).toBe('true');
    release();
    hold = null;
    await expect.poll(() => coverageTiming().textContent()).toMatch(/^failed after \d+ ms$/);
    expect(await coverageTiming().getAttribute('data-stale')).toBe('false');
    expect(await d.page.locator('[data-test="coverage"] table').count()).toBe(0);
    expect(await d.page.locator('[data-test="coverage"]').textContent()).toContain('Not answered');
    expect(await d.page.getByText('database disk image is malformed').count()).toBeGreaterThan(0);
    refuse = false;
  });

  it('says when runs were written since the page was shown, and shows them at a click', async () => {
    await d.page.goto(`${d.server.url}/runs`);
    const heading = d.page.locator('h1');
    await expect.poll(() => heading.textContent()).toContain(`(${runs()})`);
    const notice = d.page.locator('[data-test="changed"]');
    expect(await notice.count()).toBe(0);
    write('run_99999999_notice', 'notice_probe'); // the newest id: first in the list
    // The page asks the server's state every 5 s while shown.
    await notice.waitFor({ timeout: 15_000 });
    expect(await notice.textContent()).toContain('Runs were written since this page was shown');
    // Ticking a run changes the address but asks nothing anew: the notice stays.
    await d.page.locator('table[data-test="runs"] tbody input[type="checkbox"]').first().check();
    await d.page.waitForURL(/sel=/);
    expect(await notice.isVisible()).toBe(true);
    await notice.getByRole('button', { name: 'Show them' }).click();
    await expect.poll(() => heading.textContent()).toContain(`(${runs()})`);
    expect(
      await d.page
        .locator('table[data-test="runs"] tbody tr', { hasText: 'run_99999999_notice' })
        .count(),
    ).toBe(1);
    expect(await notice.count()).toBe(0);
    expect(d.consoleErrors).toEqual([]);
  });
});
