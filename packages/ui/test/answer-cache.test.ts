/**
 * `cacheAnswers` over a real SQLite file (a copy of the shared 110-run
 * fixture): an answer is kept while nobody writes — checked by counting the
 * questions that reach the real api — and asked anew after a commit by another
 * connection, when it equals plain better-sqlite3 on the changed file again.
 */
import type { MetadataManager } from '@runmeta/core';
import { openRunDatabase } from '@runmeta/node-sqlite';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, makeTempDir, removeDir } from '../../../test-support/temp-files.js';
import { answerAge } from '../src/api/answer-age.js';
import { createRunsApi, type RunsApi } from '../src/index.js';
import { cacheAnswers } from '../src/server.js';
import { plainRows } from './plain.js';

let dir: string;
let file: string;
let manager: MetadataManager;

beforeAll(async () => {
  dir = makeTempDir('ui-answer-cache');
  file = copyFixture('deployed-v2-32col-110runs.db', dir);
  manager = await openRunDatabase(file, { readOnly: true, live: true });
});
afterAll(async () => {
  await manager.close();
  removeDir(dir);
});

/** The real api, counting the questions that reach it per method. */
function counted(): { api: RunsApi; asked: Record<string, number> } {
  const real = createRunsApi(manager);
  const asked: Record<string, number> = {};
  const api = Object.fromEntries(
    Object.entries(real).map(([name, fn]) => [
      name,
      (...args: unknown[]) => {
        asked[name] = (asked[name] ?? 0) + 1;
        return (fn as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  ) as unknown as RunsApi;
  return { api, asked };
}

const plainRuns = (where = '1 = 1') =>
  plainRows<{ n: number }>(file, `SELECT count(*) AS n FROM runs WHERE ${where}`)[0]!.n;
const plainEvents = () =>
  plainRows<{ n: number }>(
    file,
    'SELECT count(*) AS n FROM mechanism_usage m JOIN runs r ON r.run_id = m.run_id',
  )[0]!.n;

/** A commit by another connection, as a simulation still running would make. */
function writeRun(runId: string): void {
  const db = new BetterSqlite3(file);
  try {
    db.transaction(() => {
      db.prepare(
        "INSERT INTO runs (run_id, template_id, status, started_at, causal_mode) VALUES (?, 'cache_probe', 'failed', '2025-11-02T10:00:00Z', 'pearl')",
      ).run(runId);
      db.prepare(
        "INSERT INTO mechanism_usage (run_id, mechanism, function_name, timestamp) VALUES (?, 'M1', 'probe', '2025-11-02T10:00:01Z')",
      ).run(runId);
    })();
  } finally {
    db.close();
  }
}

describe('cacheAnswers', () => {
  it('keeps an answer while nobody writes, and asks again after a commit elsewhere', async () => {
    const { api, asked } = counted();
    const cached = cacheAnswers(api, { version: () => manager.dataVersion() }).current;

    const first = await cached.summarize({ by: 'template', status: 'failed' });
    // The same question with its keys in another order is the same question.
    const again = await cached.summarize({ status: 'failed', by: 'template' });
    expect(asked.summarize).toBe(1);
    expect(again).toEqual(first);
    expect(first.totals.runs).toBe(plainRuns("status = 'failed'"));

    const coverage = await cached.coverage();
    await cached.coverage({});
    expect(asked.coverage).toBe(1);
    expect(coverage.cells.reduce((n, c) => n + c.events, 0)).toBe(plainEvents());

    writeRun('cache-probe-1');
    const fresh = await cached.summarize({ by: 'template', status: 'failed' });
    expect(asked.summarize).toBe(2);
    expect(fresh.totals.runs).toBe(plainRuns("status = 'failed'"));
    expect(fresh.totals.runs).toBe(first.totals.runs + 1);
    const after = await cached.coverage();
    expect(asked.coverage).toBe(2);
    expect(after.cells.reduce((n, c) => n + c.events, 0)).toBe(plainEvents());
    expect(after.cells).toContainEqual({
      templateId: 'cache_probe',
      mechanism: 'M1',
      runs: 1,
      events: 1,
    });
  });

  it('shares one asking between questions asked at once, and keeps no refusal', async () => {
    const { api, asked } = counted();
    const cached = cacheAnswers(api, { version: () => manager.dataVersion() }).current;
    const [a, b] = await Promise.all([
      cached.histogram({ field: 'compliance', bins: 5 }),
      cached.histogram({ field: 'compliance', bins: 5 }),
    ]);
    expect(asked.histogram).toBe(1);
    expect(b).toEqual(a);

    const bad = { by: 'day' as const, where: 'cost_usd >' };
    await expect(cached.activity(bad)).rejects.toThrow(/where/);
    await expect(cached.activity(bad)).rejects.toThrow(/where/);
    expect(asked.activity).toBe(2);
  });

  it('passes the quick questions through, drops the least recently asked, and keeps nothing without a readable version', async () => {
    const { api, asked } = counted();
    const small = cacheAnswers(api, { version: () => manager.dataVersion(), size: 2 }).current;
    await small.count({ status: 'failed' });
    await small.count({ status: 'failed' });
    expect(asked.count).toBe(2);
    expect(await small.count({ status: 'failed' })).toBe(plainRuns("status = 'failed'"));

    await small.histogram({ bins: 2 });
    await small.histogram({ bins: 3 });
    await small.histogram({ bins: 2 }); // kept, and now the most recent
    await small.histogram({ bins: 4 }); // drops bins 3, the least recently asked
    expect(asked.histogram).toBe(3);
    await small.histogram({ bins: 2 });
    expect(asked.histogram).toBe(3);
    await small.histogram({ bins: 3 });
    expect(asked.histogram).toBe(4);

    const none = counted();
    const uncached = cacheAnswers(none.api, { version: async () => null }).current;
    await uncached.coverage();
    await uncached.coverage();
    expect(none.asked.coverage).toBe(2);

    // A state that cannot be read keeps nothing, and refuses nothing.
    const broken = counted();
    const unreadable = cacheAnswers(broken.api, {
      version: () => Promise.reject(new Error('closed')),
    }).current;
    const first = await unreadable.coverage();
    await unreadable.coverage();
    expect(broken.asked.coverage).toBe(2);
    expect(first.cells.reduce((n, c) => n + c.events, 0)).toBe(plainEvents());
  });

  it('answers quickly with the kept answer of before a write, marked stale, while the current one is asked once', async () => {
    const { api, asked } = counted();
    const { current, quick, asking } = cacheAnswers(api, {
      version: () => manager.dataVersion(),
    });
    const events = (c: { cells: { events: number }[] }) =>
      c.cells.reduce((n, x) => n + x.events, 0);

    // Never asked: the quick face waits for it like the current one.
    const before = await quick.coverage({ status: 'failed' });
    const eventsBefore = plainEvents();
    expect(events(before)).toBe(
      plainRows<{ n: number }>(
        file,
        "SELECT count(*) AS n FROM mechanism_usage m JOIN runs r ON r.run_id = m.run_id WHERE r.status = 'failed'",
      )[0]!.n,
    );
    expect(answerAge(before)).toMatchObject({ stale: false });
    const asOf = answerAge(before)!.asOf;

    writeRun('cache-probe-quick'); // a failed run with one M1 event
    const kept = await quick.coverage({ status: 'failed' });
    expect(answerAge(kept)).toEqual({ asOf, stale: true });
    expect(kept).toEqual(before); // the state before the write, as it was
    expect(asked.coverage).toBe(2); // the current one is being asked…
    const now = await current.coverage({ status: 'failed' });
    expect(asked.coverage).toBe(2); // …and this shares it
    expect(answerAge(now)?.stale).toBe(false);
    expect(events(now)).toBe(events(before) + 1);
    expect(plainEvents()).toBe(eventsBefore + 1);
    // Kept now for this state: every face answers it, unmarked.
    expect(await quick.coverage({ status: 'failed' })).toBe(now);
    expect(await asking.coverage({ status: 'failed' })).toBe(now);
    expect(answerAge(now)?.stale).toBe(false);
    expect(asked.coverage).toBe(2);

    // A write between the quick answer and the page's follow-up: the follow-up
    // waits for the asking under way rather than starting another behind it.
    writeRun('cache-probe-quick-2');
    expect(answerAge(await quick.coverage({ status: 'failed' }))?.stale).toBe(true);
    expect(asked.coverage).toBe(3);
    writeRun('cache-probe-quick-3');
    const awaited = await asking.coverage({ status: 'failed' });
    expect(asked.coverage).toBe(3);
    expect(events(awaited)).toBeGreaterThanOrEqual(events(now) + 1);
    // The current face, though, answers of the database as it is now.
    const latest = await current.coverage({ status: 'failed' });
    expect(events(latest)).toBe(events(now) + 2);
    expect(asked.coverage).toBe(4);
  });

  it('copies a kept answer as its own kind when it marks it stale', async () => {
    const real = createRunsApi(manager);
    const api = { ...real, list: async () => [1, 2, 3] } as unknown as RunsApi;
    const { current, quick } = cacheAnswers(api, {
      version: () => manager.dataVersion(),
      methods: ['list'],
    });
    await current.list();
    writeRun('cache-probe-array');
    const kept = (await quick.list()) as unknown;
    expect(answerAge(kept)?.stale).toBe(true);
    expect(Array.isArray(kept)).toBe(true);
    expect(kept).toEqual([1, 2, 3]);
  });

  it('keeps the older answer when asking the current one fails: the current face hears the refusal', async () => {
    const real = createRunsApi(manager);
    let refuse = false;
    const api: RunsApi = {
      ...real,
      summarize: (options) =>
        refuse ? Promise.reject(new Error('database is locked')) : real.summarize(options),
    };
    const { current, quick } = cacheAnswers(api, { version: () => manager.dataVersion() });
    const first = await current.summarize({ by: 'status' });
    writeRun('cache-probe-refused');
    refuse = true;
    const kept = await quick.summarize({ by: 'status' });
    expect(answerAge(kept)?.stale).toBe(true);
    expect(kept.totals.runs).toBe(first.totals.runs);
    await expect(current.summarize({ by: 'status' })).rejects.toThrow(/locked/);
    refuse = false;
    const now = await current.summarize({ by: 'status' });
    expect(now.totals.runs).toBe(plainRuns());
    expect(now.totals.runs).toBe(first.totals.runs + 1);
  });
});
