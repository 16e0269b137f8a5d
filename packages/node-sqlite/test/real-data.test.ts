/**
 * The three real legacy databases, migrated for real on disk, compared value by
 * value with an independent read of an untouched copy (a second, plain
 * better-sqlite3 connection; no runmeta code on the reading side).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { MigrationStrategy, RunmetaError } from '@runmeta/core';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRunDatabase } from '../src/index.js';
import {
  copyFixture,
  integrityCheck,
  makeTempDir,
  type PlainRow,
  plainAll,
  removeDir,
  sha256,
  tableNames,
} from './process-helpers.js';

const FIXTURES = [
  'deployed-v1-18col-9runs.db',
  'deployed-v1-20col-393runs.db',
  'deployed-v2-32col-110runs.db',
] as const;
const STRATEGIES: MigrationStrategy[] = ['archive', 'carry-over'];
const CHILD_TABLES = ['mechanism_usage', 'resolution_assignments', 'validations'];
const V2_ONLY = [
  'schema_version',
  'fidelity_strategy_json',
  'fidelity_distribution',
  'actual_tokens_used',
  'token_budget_compliance',
  'fidelity_efficiency_score',
];

let dir: string;
beforeEach(() => {
  dir = makeTempDir('real');
});
afterEach(() => removeDir(dir));

/** Every row of a table, in key order, through a plain connection. */
function rowsOf(file: string, table: string): PlainRow[] {
  const order = table === 'runs' ? '"run_id"' : '_rowid_';
  return plainAll(file, `SELECT * FROM "${table}" ORDER BY ${order}`);
}

/**
 * Each reference row must exist in `actual` (matched by key) with the same value
 * in every one of its columns; `actual` may have more columns (added ones).
 */
function expectSameValues(file: string, reference: string, table: string): void {
  const expected = rowsOf(reference, table);
  const actual = rowsOf(file, table);
  expect(actual.length, `${table} row count`).toBe(expected.length);
  const key = table === 'runs' ? 'run_id' : 'id';
  const byKey = new Map(actual.map((row) => [row[key] ?? JSON.stringify(row), row]));
  const columns = expected.length ? Object.keys(expected[0]!) : [];
  const projected = expected.map((row) => {
    const match = byKey.get(row[key] ?? JSON.stringify(row));
    return match ? Object.fromEntries(columns.map((c) => [c, match[c]])) : null;
  });
  // key-less tables are compared in rowid order instead
  if (!columns.includes(key)) {
    expect(actual.map((row) => Object.fromEntries(columns.map((c) => [c, row[c]])))).toEqual(
      expected,
    );
    return;
  }
  expect(projected, `${table}: every source value, by ${key}`).toEqual(expected);
}

describe.each(FIXTURES)('real fixture %s', (fixture) => {
  const isV1 = fixture.includes('-v1-');

  it.each(STRATEGIES)('migrates with %s without changing a single value', async (strategy) => {
    const file = copyFixture(fixture, dir);
    fs.mkdirSync(path.join(dir, 'untouched'));
    const reference = copyFixture(fixture, path.join(dir, 'untouched'));
    const originalSha = sha256(reference);
    const sourceTables = tableNames(reference).filter((t) => !t.startsWith('sqlite_'));
    expect(sourceTables).toEqual(expect.arrayContaining(['runs', ...CHILD_TABLES]));
    const runCount = rowsOf(reference, 'runs').length;

    const manager = await openRunDatabase(file, { migration: { strategy } });
    try {
      expect(manager.migration?.action).toBe(isV1 ? 'migrate' : 'repair');
      expect(await manager.getAllRuns({ includeArchive: true })).toHaveLength(runCount);
    } finally {
      await manager.close();
    }
    const archive = path.join(dir, 'runs_v1_archive.db');
    expect(integrityCheck(file)).toBe('ok');
    expect(sha256(reference)).toBe(originalSha);

    if (!isV1 || strategy === 'carry-over') {
      // Where indexes were built over these runs, SQLite's planner statistics
      // were gathered too: each runs index row starts with the number of runs.
      const stats = plainAll(file, 'SELECT idx, stat FROM sqlite_stat1 WHERE tbl = ?', ['runs']);
      expect(stats.map((row) => row.idx)).toContain('idx_runs_status');
      for (const row of stats) expect(String(row.stat).split(' ')[0]).toBe(String(runCount));
    }
    if (!isV1) {
      // A v2 file is repaired in place: no archive, and every table keeps every value.
      expect(fs.existsSync(archive)).toBe(false);
      expect(tableNames(file)).toEqual(expect.arrayContaining(sourceTables));
      for (const table of sourceTables) expectSameValues(file, reference, table);
      return;
    }

    // The archive is the original file, byte for byte, and reads back identically.
    expect(sha256(archive)).toBe(originalSha);
    expect(integrityCheck(archive)).toBe('ok');
    for (const table of sourceTables) {
      expect(rowsOf(archive, table), `archive ${table}`).toEqual(rowsOf(reference, table));
    }
    const v2Columns = plainAll(file, 'SELECT name FROM pragma_table_info(?)', ['runs']).map((row) =>
      String(row.name),
    );
    expect(v2Columns).toEqual(expect.arrayContaining(V2_ONLY));
    if (strategy === 'archive') {
      expect(v2Columns).toHaveLength(27);
      for (const table of ['runs', ...CHILD_TABLES]) expect(rowsOf(file, table)).toEqual([]);
      return;
    }
    // Carry-over: every source column of every row, with schema 1.0 and empty v2 fields.
    for (const table of ['runs', ...CHILD_TABLES]) expectSameValues(file, reference, table);
    const v2Values = plainAll(
      file,
      `SELECT schema_version, count(*) AS n FROM runs
         WHERE coalesce(fidelity_strategy_json, fidelity_distribution, actual_tokens_used,
           token_budget_compliance, fidelity_efficiency_score) IS NULL
         GROUP BY schema_version`,
    );
    expect(v2Values).toEqual([{ schema_version: '1.0', n: runCount }]);
  });
});

describe('a legacy run whose key is NULL (the v1 table allowed it)', () => {
  it('gets no mechanisms: not those of rows keyed by an empty id, filtered or not', async () => {
    const file = copyFixture('deployed-v1-18col-9runs.db', dir);
    const legacy = new BetterSqlite3(file);
    legacy.pragma('foreign_keys = OFF'); // the earlier tool wrote without them
    legacy.exec(`INSERT INTO runs (run_id, template_id, started_at, causal_mode)
        VALUES (NULL, 'tnull', '2025-01-01T00:00:00', 'forward');
      INSERT INTO mechanism_usage (run_id, mechanism, function_name, timestamp)
        VALUES ('', 'M5', 'orphan', '2025-01-01T00:00:00')`);
    legacy.close();
    const manager = await openRunDatabase(file);
    for (const filter of [{}, { templateId: 'tnull' }]) {
      const runs = await manager.getAllRuns({
        ...filter,
        includeArchive: true,
        withMechanisms: true,
      });
      const keyless = runs.filter((run) => run.templateId === 'tnull');
      expect(keyless.map((run) => [run.runId, run.mechanismsUsed])).toEqual([[null, []]]);
    }
    await manager.close();
  });
});

describe('a migration that cannot build its new database', () => {
  // The brief's case occupies the aside path itself; occupying its journal's path
  // instead lets the build step (not the leftover recovery) be the one that fails.
  const cases = STRATEGIES.flatMap((strategy) =>
    ['runs.db.v2-building', 'runs.db.v2-building-journal'].map((occupied) => ({
      strategy,
      occupied,
    })),
  );

  it.each(cases)(
    'rejects with a typed error and leaves the v1 file as it was ($strategy, $occupied)',
    async ({ strategy, occupied }) => {
      const file = copyFixture('deployed-v1-20col-393runs.db', dir);
      const before = sha256(file);
      // A non-empty directory where the build needs a file.
      const blocker = path.join(dir, occupied);
      fs.mkdirSync(blocker);
      fs.writeFileSync(path.join(blocker, 'not-a-database.txt'), 'occupied');
      const error = (await openRunDatabase(file, { migration: { strategy } }).then(
        async (manager) => {
          await manager.close();
          return null;
        },
        (e: unknown) => e,
      )) as RunmetaError | null;
      expect(error, 'the open must fail').not.toBeNull();
      // Soft, so the file checks below run even when the error is untyped.
      expect
        .soft(String(error?.code), `a runmeta error, not ${error?.name}: ${error?.message}`)
        .toMatch(/^RUNMETA_/);
      expect(sha256(file)).toBe(before);
      expect(fs.readdirSync(dir).filter((name) => name.includes('archive'))).toEqual([]);
      expect(fs.readFileSync(path.join(blocker, 'not-a-database.txt'), 'utf8')).toBe('occupied');
    },
  );
});
