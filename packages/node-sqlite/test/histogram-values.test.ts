/**
 * `runHistogram` on a real file whose numeric column holds what a hand-edited
 * or foreign database can: text, an infinity, nearly equal values. Only the
 * numbers are binned, every one of them in a bin, checked against plain SQL.
 */
import path from 'node:path';
import { runHistogram } from '@runmeta/core';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { copyFixture, makeTempDir, removeDir } from '../../../test-support/temp-files.js';
import { openRunDatabase } from '../src/index.js';

const dir = makeTempDir('histogram-values');
afterAll(() => removeDir(dir));

describe('runHistogram over odd stored values', () => {
  it('bins the numbers only, each in one bin, and agrees with plain SQL', async () => {
    const file = copyFixture('deployed-v2-32col-110runs.db', dir);
    const raw = new BetterSqlite3(file);
    const ids = raw.prepare('SELECT run_id FROM runs ORDER BY run_id LIMIT 3').all() as {
      run_id: string;
    }[];
    const set = raw.prepare('UPDATE runs SET token_budget_compliance = ? WHERE run_id = ?');
    set.run('n/a', ids[0]!.run_id);
    set.run(Number.POSITIVE_INFINITY, ids[1]!.run_id);
    set.run(0.1 + 0.2, ids[2]!.run_id);
    const numbers = (
      raw
        .prepare(
          "SELECT token_budget_compliance AS c FROM runs WHERE typeof(token_budget_compliance) IN ('integer', 'real')",
        )
        .all() as { c: number }[]
    )
      .map((r) => r.c)
      .filter(Number.isFinite);
    raw.close();
    const manager = await openRunDatabase(path.join(dir, 'runs.db'), { readOnly: true });
    try {
      const histogram = await runHistogram(manager, { field: 'compliance' });
      expect(histogram.runs).toBe(numbers.length);
      expect(histogram.max).toBe(Math.max(...numbers));
      expect(histogram.bins.reduce((sum, b) => sum + b.runs, 0)).toBe(numbers.length);
      // Nearly equal values alone: one bin, not a hundred thousand.
      const near = await runHistogram(manager, {
        field: 'compliance',
        where: `run_id = '${ids[2]!.run_id}'`,
      });
      expect(near.bins).toHaveLength(1);
      expect(near.bins[0]!.runs).toBe(1);
      // Text alone: no number, no bin.
      const text = await runHistogram(manager, {
        field: 'compliance',
        where: `run_id = '${ids[0]!.run_id}'`,
      });
      expect(text).toMatchObject({ runs: 0, bins: [] });
    } finally {
      await manager.close();
    }
  });
});
