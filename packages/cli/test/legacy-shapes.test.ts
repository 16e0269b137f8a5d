/**
 * Legacy files of odd shapes: reads work with any
 * subset of the known columns, and carry-over copies what v2 cannot key as it is —
 * tables WITHOUT ROWID, child ids that are not distinct integers, nulls in
 * columns v2 requires — or, for runs sharing a run id, says exactly which and how
 * to go on. Expectations come from plain better-sqlite3 reads of the source.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectOneErrorLine,
  lines,
  makeTempDir,
  plainAll,
  plainIds,
  removeDir,
  runCli,
  snapshotDir,
} from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = makeTempDir('legacy-shapes');
});
afterAll(() => removeDir(dir));

/** A new SQLite file at `folder/runs.db` holding exactly `sql` (plain better-sqlite3). */
function legacyFile(folder: string, sql: string, name = 'runs.db'): string {
  const file = path.join(dir, folder, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new BetterSqlite3(file);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
  return file;
}

const cli = (db: string, ...args: string[]) => runCli(['--db', db, ...args], { cwd: dir });
const jsonl = (text: string) => lines(text).map((line) => JSON.parse(line));

describe('lenient reads with any subset of the known columns', () => {
  it('runs list, --include-archive and report read a v1 runs table with neither created_at nor started_at', async () => {
    const db = legacyFile(
      'no-times',
      `CREATE TABLE runs (run_id TEXT PRIMARY KEY, template_id TEXT, status TEXT, cost_usd REAL);
       INSERT INTO runs VALUES ('r2', 'a', 'completed', 1.5), ('r1', 'b', 'running', 0.25), ('r3', 'a', 'failed', 2);`,
    );
    const ids = plainIds(db, 'SELECT run_id FROM runs ORDER BY run_id');
    const list = await cli(db, 'runs', 'list', '--format', 'jsonl');
    expect(list.code, list.stderr).toBe(0);
    // No creation time: ordered by run id, as the documented tie-break says.
    expect(jsonl(list.stdout).map((r) => r.runId)).toEqual(ids);
    const report = await cli(db, '--json', 'report');
    expect(report.code, report.stderr).toBe(0);
    const byTemplate = plainAll(
      db,
      'SELECT template_id AS key, count(*) AS runs, sum(cost_usd) AS costUsd FROM runs GROUP BY template_id ORDER BY runs DESC, key',
    );
    expect(
      JSON.parse(report.stdout).groups.map((g: Record<string, unknown>) => ({
        key: g.key,
        runs: g.runs,
        costUsd: g.costUsd,
      })),
    ).toEqual(byTemplate);
    expect((await cli(db, 'migrate', '--yes')).code).toBe(0);
    const archived = await cli(db, 'runs', 'list', '--include-archive', '--format', 'jsonl');
    expect(archived.code, archived.stderr).toBe(0);
    expect(jsonl(archived.stdout).map((r) => [r.runId, r.source])).toEqual(
      ids.map((id) => [id, 'archive']),
    );
  });

  it('status counts the runs of a runs table without a status column (no internal error)', async () => {
    const db = legacyFile(
      'no-status',
      `CREATE TABLE runs (run_id TEXT PRIMARY KEY, template_id TEXT);
       INSERT INTO runs VALUES ('r1', 'a'), ('r2', 'b');`,
    );
    const status = await cli(db, '--json', 'status');
    expect(status.code, status.stderr).toBe(4); // v1: needs migration
    const report = JSON.parse(status.stdout);
    expect(report.runs).toBe(2);
    expect(report.runsByStatus).toEqual({ null: 2 });
  });

  it('a runs table without run_id is refused with a typed error naming the missing column, by reads and writes', async () => {
    const db = legacyFile(
      'no-run-id',
      `CREATE TABLE runs (template_id TEXT, status TEXT); INSERT INTO runs VALUES ('a', 'running');`,
    );
    const before = snapshotDir(path.dirname(db));
    for (const args of [['runs', 'list'], ['report'], ['status'], ['migrate', '--yes']]) {
      const result = await cli(db, ...args);
      expectOneErrorLine(result, 3);
      expect(result.stderr).toContain('runs table without a run_id column');
    }
    expect(snapshotDir(path.dirname(db))).toEqual(before);
  });
});

describe('repairs of a v2 file', () => {
  it('a write that repairs only missing indexes says what it created (not "added" nothing)', async () => {
    const db = path.join(dir, 'repair-index', 'runs.db');
    expect((await cli(db, 'start', '--template', 't', '--mode', 'forward')).code).toBe(0);
    const db2 = new BetterSqlite3(db);
    db2.exec('DROP INDEX "idx_runs_status"');
    db2.close();
    const result = await cli(db, 'start', '--template', 't', '--mode', 'forward');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr.trim()).toBe(`repaired ${db} (created missing tables or indexes)`);
    expect(
      plainAll(db, "SELECT name FROM sqlite_master WHERE name = 'idx_runs_status'"),
    ).toHaveLength(1);
  });
});

describe('legacy oddities are carried over, or refused with exactly which rows', () => {
  const WITHOUT_ROWID = `
    CREATE TABLE runs (run_id TEXT PRIMARY KEY, template_id TEXT, started_at TEXT, status TEXT) WITHOUT ROWID;
    INSERT INTO runs VALUES ('r2', 't', '2025-01-02T00:00:00', 'completed'), ('r1', 't', '2025-01-01T00:00:00', 'running');
    CREATE TABLE validations (run_id TEXT, validator_name TEXT, passed BOOLEAN, timestamp TEXT, PRIMARY KEY (run_id, validator_name)) WITHOUT ROWID;
    INSERT INTO validations VALUES ('r2', 'z', 1, '2025-01-02'), ('r1', 'b', 0, '2025-01-01'), ('r1', 'a', 1, '2025-01-01');`;

  it('WITHOUT ROWID tables: read (export, runs show) and carried over, every row, by migrate and by --carry-over-archive', async () => {
    const db = legacyFile('without-rowid', WITHOUT_ROWID);
    const runs = plainAll(db, 'SELECT run_id, template_id, status FROM runs ORDER BY run_id');
    const validations = plainAll(
      db,
      'SELECT run_id, validator_name, passed FROM validations ORDER BY run_id, validator_name',
    );
    const exported = await cli(db, 'export', '--format', 'jsonl');
    expect(exported.code, exported.stderr).toBe(0);
    expect(jsonl(exported.stdout).map((r) => r.runId)).toEqual(runs.map((r) => r.run_id));
    const shown = await cli(db, '--json', 'runs', 'show', 'r1');
    expect(shown.code, shown.stderr).toBe(0);
    expect(
      JSON.parse(shown.stdout).validations.map((v: { validatorName: string }) => v.validatorName),
    ).toEqual(['a', 'b']);

    const carried = legacyFile('without-rowid-carry', WITHOUT_ROWID);
    const migrated = await cli(carried, 'migrate', '--strategy', 'carry-over', '--yes');
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(
      plainAll(carried, 'SELECT run_id, template_id, status FROM runs ORDER BY run_id'),
    ).toEqual(runs);
    expect(
      plainAll(
        carried,
        'SELECT run_id, validator_name, passed FROM validations ORDER BY run_id, validator_name',
      ),
    ).toEqual(validations);

    expect((await cli(db, 'migrate', '--yes')).code).toBe(0);
    const later = await cli(db, 'migrate', '--carry-over-archive', '--yes');
    expect(later.code, later.stderr).toBe(0);
    expect(plainAll(db, 'SELECT run_id, template_id, status FROM runs ORDER BY run_id')).toEqual(
      runs,
    );
    expect(
      plainAll(
        db,
        'SELECT run_id, validator_name, passed FROM validations ORDER BY run_id, validator_name',
      ),
    ).toEqual(validations);
  });

  const ODD_IDS = `
    CREATE TABLE runs (run_id TEXT PRIMARY KEY, template_id TEXT, status TEXT);
    INSERT INTO runs VALUES ('r1', 't', 'completed'), ('r2', 't', 'completed');
    CREATE TABLE validations (id INTEGER, run_id TEXT, validator_name TEXT, passed BOOLEAN, timestamp TEXT);
    INSERT INTO validations VALUES (1, 'r1', 'a', 1, 't1'), (1, 'r2', 'b', 0, 't2'), (NULL, 'r1', 'c', 1, 't3'), ('v-9', 'r2', 'd', 1, 't4'), (2, 'r1', 'e', 0, 't5');
    CREATE TABLE mechanism_usage (id INTEGER PRIMARY KEY, run_id TEXT, mechanism TEXT, function_name TEXT, timestamp TEXT);
    INSERT INTO mechanism_usage VALUES (7, 'r1', 'M1', 'f', 't1'), (3, 'r2', 'M2', 'g', 't2');`;

  it('child ids that are not distinct integers get new ids in source order, the originals kept in legacy_id (migrate and --carry-over-archive)', async () => {
    for (const how of ['carry-over', 'carry-over-archive'] as const) {
      const db = legacyFile(`odd-ids-${how}`, ODD_IDS);
      const source = plainAll(
        db,
        'SELECT id, run_id, validator_name, passed, timestamp FROM validations ORDER BY rowid',
      );
      const mechanisms = plainAll(db, 'SELECT * FROM mechanism_usage ORDER BY id');
      const result =
        how === 'carry-over'
          ? await cli(db, 'migrate', '--strategy', 'carry-over', '--yes')
          : (await cli(db, 'migrate', '--yes')).code === 0
            ? await cli(db, 'migrate', '--carry-over-archive', '--yes')
            : null;
      expect(result?.code, result?.stderr).toBe(0);
      const rows = plainAll(
        db,
        'SELECT legacy_id AS id, run_id, validator_name, passed, timestamp FROM validations AS v ORDER BY v.id',
      );
      expect(rows).toEqual(source);
      const ids = plainAll(db, 'SELECT id FROM validations ORDER BY id').map((r) => r.id);
      expect(new Set(ids).size).toBe(source.length);
      expect(ids.every((id) => Number.isInteger(id))).toBe(true);
      // Integer primary keys are ids already: kept as they are, no legacy column.
      expect(
        plainAll(
          db,
          'SELECT id, run_id, mechanism, function_name, timestamp FROM mechanism_usage ORDER BY id',
        ),
      ).toEqual(mechanisms);
      expect(
        plainAll(db, 'SELECT name FROM pragma_table_info(?)', ['mechanism_usage']).map(
          (c) => c.name,
        ),
      ).not.toContain('legacy_id');
    }
  });

  it('rows without values v2 requires (NOT NULL) are carried over by migrate; --carry-over-archive counts them and refuses', async () => {
    const sql = `CREATE TABLE runs (run_id TEXT PRIMARY KEY, status TEXT); INSERT INTO runs VALUES ('r1', 'completed');
      CREATE TABLE mechanism_usage (id INTEGER PRIMARY KEY, run_id TEXT, mechanism TEXT);
      INSERT INTO mechanism_usage VALUES (1, 'r1', 'M1'), (2, 'r1', NULL);`;
    const db = legacyFile('missing-values', sql);
    const source = plainAll(db, 'SELECT id, run_id, mechanism FROM mechanism_usage ORDER BY id');
    const migrated = await cli(db, 'migrate', '--strategy', 'carry-over', '--yes');
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(
      plainAll(
        db,
        'SELECT id, run_id, mechanism, function_name, timestamp FROM mechanism_usage ORDER BY id',
      ),
    ).toEqual(source.map((row) => ({ ...row, function_name: null, timestamp: null })));

    const later = legacyFile('missing-values-archive', sql);
    expect((await cli(later, 'migrate', '--yes')).code).toBe(0);
    const before = snapshotDir(path.dirname(later));
    const result = await cli(later, 'migrate', '--carry-over-archive', '--yes');
    expectOneErrorLine(result, 3);
    expect(result.stderr).toContain(`${source.length} row(s) of mechanism_usage`);
    expect(result.stderr).toContain('have no function_name');
    expect(result.stderr).toContain('--include-archive');
    expect(snapshotDir(path.dirname(later))).toEqual(before);
  });

  it('runs sharing a run id: carry-over exits 3 naming each id and its rows and how to go on; nothing changes; the archive strategy works', async () => {
    const db = legacyFile(
      'duplicate-runs',
      `CREATE TABLE runs (run_id TEXT, template_id TEXT, status TEXT);
       INSERT INTO runs VALUES ('r1', 't', 'completed'), ('r2', 't', 'failed'), ('r1', 'u', 'running'), ('r3', 't', 'completed'), ('r2', 'v', 'completed'), ('r2', 'w', 'completed');`,
    );
    const counts = plainAll(
      db,
      'SELECT run_id, count(*) AS n FROM runs GROUP BY run_id HAVING n > 1 ORDER BY run_id',
    );
    expect(counts).toEqual([
      { run_id: 'r1', n: 2 },
      { run_id: 'r2', n: 3 },
    ]);
    const before = snapshotDir(path.dirname(db));
    const result = await cli(db, 'migrate', '--strategy', 'carry-over', '--yes');
    expectOneErrorLine(result, 3);
    for (const { run_id, n } of counts) expect(result.stderr).toContain(`"${run_id}" (${n} rows)`);
    expect(result.stderr).toContain('2 run id(s)');
    expect(result.stderr).toContain('runmeta migrate --yes');
    expect(snapshotDir(path.dirname(db))).toEqual(before);
    expect((await cli(db, 'migrate', '--yes')).code).toBe(0);
    const archived = await cli(db, 'runs', 'list', '--include-archive', '--format', 'jsonl');
    expect(jsonl(archived.stdout)).toHaveLength(6);
  });
});
