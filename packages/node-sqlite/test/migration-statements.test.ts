/**
 * What a migration asks of SQLite, recorded statement by statement on a real
 * file: the reads that need only one end of a table do not walk it, a large
 * carried database is checked by `quick_check`, and archiving a v1 file builds
 * the new one in a single commit. The plans are read with plain better-sqlite3
 * (`EXPLAIN QUERY PLAN`) on the archive the migration left.
 */
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRunDatabase } from '../src/index.js';
import {
  copyFixture,
  countRows,
  integrityCheck,
  makeTempDir,
  removeDir,
} from './process-helpers.js';

let dir: string;
beforeEach(() => {
  dir = makeTempDir('migration-sql');
});
afterEach(() => removeDir(dir));

/** Every statement prepared (or executed) in this process while `fn` runs, per database file. */
async function recordStatements(fn: () => Promise<void>): Promise<{ file: string; sql: string }[]> {
  const seen: { file: string; sql: string }[] = [];
  const proto = BetterSqlite3.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const prepare = proto.prepare!;
  const exec = proto.exec!;
  proto.prepare = function (this: BetterSqlite3.Database, sql: unknown) {
    seen.push({ file: this.name, sql: String(sql) });
    return prepare.call(this, sql);
  };
  proto.exec = function (this: BetterSqlite3.Database, sql: unknown) {
    seen.push({ file: this.name, sql: String(sql) });
    return exec.call(this, sql);
  };
  try {
    await fn();
  } finally {
    proto.prepare = prepare;
    proto.exec = exec;
  }
  return seen;
}

/** Add `n` mechanism rows to the first run of a v1 file, with plain better-sqlite3. */
function addMechanismRows(file: string, n: number): void {
  const db = new BetterSqlite3(file);
  try {
    const runId = db.prepare('SELECT run_id FROM runs ORDER BY rowid LIMIT 1').pluck().get();
    db.prepare(
      `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?)
       INSERT INTO mechanism_usage (run_id, mechanism, function_name, timestamp, context)
       SELECT ?, 'M' || (i % 17), 'f', '2025-01-01T00:00:00', NULL FROM k`,
    ).run(n, runId);
  } finally {
    db.close();
  }
}

describe('the statements a migration runs', () => {
  it("carry-over finds the source's rowid span at each end of its b-tree, never by walking it", async () => {
    const file = copyFixture('deployed-v1-20col-393runs.db', dir);
    const seen = await recordStatements(async () => {
      const manager = await openRunDatabase(file, { migration: { strategy: 'carry-over' } });
      await manager.close();
    });
    const spans = seen.filter((s) => /min\(_rowid_\)/.test(s.sql));
    // One span per table copied by rowid: runs and the three child tables.
    expect(new Set(spans.map((s) => s.sql)).size).toBe(4);

    const plain = new BetterSqlite3(':memory:');
    try {
      plain
        .prepare('ATTACH DATABASE ? AS "runmeta_source"')
        .run(path.join(dir, 'runs_v1_archive.db'));
      for (const { sql } of new Set(spans)) {
        const plan = plain
          .prepare(`EXPLAIN QUERY PLAN ${sql}`)
          .all()
          .map((row) => String((row as { detail: string }).detail));
        // A lone min() or max() of the rowid is a SEARCH of one end; both in
        // one SELECT would be a SCAN of every row (416 ms for 4M child rows).
        expect(plan.filter((d) => d.includes('runmeta_source'))).not.toHaveLength(0);
        expect(plan.filter((d) => /^SCAN .*runmeta_source/.test(d))).toEqual([]);
      }
    } finally {
      plain.close();
    }
  });

  it('checks a carried database of more than 250,000 rows with quick_check, however few its runs', async () => {
    const file = copyFixture('deployed-v1-18col-9runs.db', dir);
    addMechanismRows(file, 260_000);
    const seen = await recordStatements(async () => {
      const manager = await openRunDatabase(file, { migration: { strategy: 'carry-over' } });
      await manager.close();
    });
    const checks = seen.filter((s) => /^PRAGMA (quick|integrity)_check/.test(s.sql));
    // The new file's verification: 9 runs, but 260,000 child rows.
    expect(checks.map((c) => `${path.basename(c.file)}: ${c.sql}`)).toEqual([
      'runs.db: PRAGMA quick_check',
    ]);
    expect(countRows(file, 'mechanism_usage')).toBe(260_000);
    expect(integrityCheck(file)).toBe('ok');
  });

  it('archives a v1 file by building the new one in a single commit', async () => {
    const file = copyFixture('deployed-v1-20col-393runs.db', dir);
    const seen = await recordStatements(async () => {
      const manager = await openRunDatabase(file, { migration: { strategy: 'archive' } });
      await manager.close();
    });
    const aside = seen.filter((s) => s.file.endsWith('.v2-building'));
    expect(aside.filter((s) => s.sql === 'COMMIT')).toHaveLength(1);
    // Tables, indexes and the history row all go into that one commit.
    const begin = aside.findIndex((s) => s.sql === 'BEGIN IMMEDIATE');
    const commit = aside.findIndex((s) => s.sql === 'COMMIT');
    const inside = aside.slice(begin, commit).map((s) => s.sql);
    expect(inside.some((s) => s.startsWith('CREATE TABLE'))).toBe(true);
    expect(inside.some((s) => s.startsWith('CREATE INDEX'))).toBe(true);
    expect(inside.some((s) => s.startsWith('INSERT INTO "runmeta_migrations"'))).toBe(true);
    // No statistics are gathered on a file with no rows yet.
    expect(aside.filter((s) => /optimize|ANALYZE/i.test(s.sql))).toEqual([]);
    expect(countRows(path.join(dir, 'runs_v1_archive.db'), 'runs')).toBe(393);
  });
});
