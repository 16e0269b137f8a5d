/**
 * `migrate --carry-over-archive`: after an archive migration,
 * the archived runs are carried into the active database later — dry run, the
 * copy checked column by column and row by row, the archive left byte-identical,
 * `runs close --stale` then closing the formerly archived running runs, a second
 * run carrying nothing. Every expectation is derived from a plain better-sqlite3
 * read of an untouched copy of the real 20-column file (393 runs, 14 running).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyFixture,
  expectOneErrorLine,
  lines,
  makeTempDir,
  plainAll,
  plainCount,
  plainIds,
  plainRun,
  removeDir,
  runCli,
  sha256,
  snapshotDir,
  V1_18,
  V1_20,
} from './helpers.js';

let dir: string;
/** A copy of the 20-column file that runmeta never opens. */
let untouched: string;
/** Runs of the untouched copy still `running`. */
let running: string[];

beforeAll(() => {
  dir = makeTempDir('carry-over-archive');
  untouched = copyFixture(V1_20, path.join(dir, 'untouched'));
  running = plainIds(untouched, "SELECT run_id FROM runs WHERE status = 'running' ORDER BY run_id");
});
afterAll(() => removeDir(dir));

const count = plainCount;

describe('migrate --carry-over-archive: the archive carried into v2 later, then its stale runs closed', () => {
  let folder: string;
  let db: string;
  let archive: string;
  let archiveHash: string;
  /** An archived completed run that was also started in the active database. */
  let shared: string;
  /** Row counts of the active database before the carry-over. */
  const before: Record<string, number> = {};
  const TABLES = ['runs', 'mechanism_usage', 'resolution_assignments', 'validations'];
  const cli = (...args: string[]) => runCli(['--db', db, ...args], { cwd: dir });

  beforeAll(async () => {
    folder = path.join(dir, 'carry');
    db = copyFixture(V1_20, folder);
    archive = path.join(folder, 'runs_v1_archive.db');
    expect((await cli('migrate', '--yes')).code).toBe(0);
    // New v2 runs with child rows, so the archived child ids collide with active ones.
    const run = (await cli('start', '--template', 'v2_board', '--mode', 'forward')).stdout.trim();
    for (const level of ['DIALOG', 'SCENE', 'TRAINED'])
      expect((await cli('record', 'resolution', run, `e_${level}`, level, 'tp_1')).code).toBe(0);
    expect((await cli('record', 'mechanism', run, 'M3', 'seed')).code).toBe(0);
    shared = plainIds(untouched, "SELECT run_id FROM runs WHERE status = 'completed' LIMIT 1")[0]!;
    // A run in both databases (as an import or a hand copy leaves): written directly.
    plainRun(
      db,
      `INSERT INTO runs (run_id, template_id, causal_mode, status, created_at, schema_version) VALUES ('${shared}', 'v2_shared', 'forward', 'running', '${new Date().toISOString()}', '2.0')`,
    );
    expect((await cli('record', 'mechanism', shared, 'M1', 'active_only')).code).toBe(0);
    for (const table of TABLES) before[table] = count(db, `SELECT count(*) AS n FROM ${table}`);
    archiveHash = sha256(archive);
    expect(archiveHash).toBe(sha256(untouched));
  });

  /** Rows of `table` in the untouched file for the runs the carry-over copies (all but `shared`). */
  const carriedRows = (table: string) =>
    count(untouched, `SELECT count(*) AS n FROM ${table} WHERE run_id <> ?`, [shared]);

  it('--dry-run says what it would carry and changes nothing (text and --json)', async () => {
    const snapshot = snapshotDir(folder);
    const text = await cli('migrate', '--carry-over-archive', '--dry-run');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('runs_v1_archive.db');
    expect(text.stdout).toContain(`${carriedRows('runs')} run(s)`);
    expect(text.stdout).toContain('1 already in');
    const json = await cli('--json', 'migrate', '--carry-over-archive', '--dry-run');
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      dryRun: true,
      runsCarried: carriedRows('runs'),
      runsSkipped: 1,
      rowsCarried: {
        runs: carriedRows('runs'),
        mechanism_usage: carriedRows('mechanism_usage'),
        resolution_assignments: carriedRows('resolution_assignments'),
        validations: carriedRows('validations'),
      },
    });
    expect(snapshotDir(folder)).toEqual(snapshot);
  });

  it('asks for --yes when stdin is not a terminal, changing nothing', async () => {
    const snapshot = snapshotDir(folder);
    const result = await cli('migrate', '--carry-over-archive');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--yes');
    expect(snapshotDir(folder)).toEqual(snapshot);
  });

  it('--yes copies every archived run and child row (v1 runs as 1.0, v2 fields null), skipping the run already active', async () => {
    const result = await cli('--json', 'migrate', '--carry-over-archive', '--yes');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      dryRun: false,
      runsCarried: carriedRows('runs'),
      runsSkipped: 1,
      integrity: 'ok',
    });
    for (const table of TABLES)
      expect(count(db, `SELECT count(*) AS n FROM ${table}`), table).toBe(
        before[table]! + carriedRows(table),
      );
    // The archive is kept byte-identical: rollback still needs it.
    expect(sha256(archive)).toBe(archiveHash);
    // Every carried run, column by column, as in the untouched file.
    const original = plainAll(untouched, 'SELECT * FROM runs WHERE run_id <> ?', [shared]);
    const copied = new Map(
      plainAll(db, "SELECT * FROM runs WHERE schema_version = '1.0'").map((r) => [r.run_id, r]),
    );
    expect(copied.size).toBe(original.length);
    for (const row of original) {
      const copy = copied.get(row.run_id)!;
      for (const [column, value] of Object.entries(row))
        expect(copy[column], column).toEqual(value);
      for (const v2 of ['fidelity_distribution', 'token_budget_compliance', 'actual_tokens_used'])
        expect(copy[v2]).toBeNull();
    }
    // The active copy of the shared run wins: untouched, its child rows not joined by the archive's.
    expect(
      plainAll(db, 'SELECT template_id, schema_version FROM runs WHERE run_id = ?', [shared]),
    ).toEqual([{ template_id: 'v2_shared', schema_version: '2.0' }]);
    expect(
      plainAll(db, 'SELECT function_name FROM mechanism_usage WHERE run_id = ?', [shared]),
    ).toEqual([{ function_name: 'active_only' }]);
    // Child rows of each carried run, in their recorded order.
    for (const [table, columns] of [
      ['mechanism_usage', 'run_id, mechanism, function_name, timestamp, context'],
      ['resolution_assignments', 'run_id, entity_id, resolution, timepoint_id, timestamp'],
    ] as const) {
      const sql = `SELECT ${columns} FROM ${table} WHERE run_id IN (SELECT run_id FROM runs WHERE run_id <> ?) ORDER BY run_id, id`;
      const inActive = `SELECT ${columns} FROM ${table} WHERE run_id IN (SELECT run_id FROM runs WHERE schema_version = '1.0') ORDER BY run_id, id`;
      expect(plainAll(db, inActive), table).toEqual(plainAll(untouched, sql, [shared]));
    }
    const [history] = plainAll(
      db,
      'SELECT kind, details FROM runmeta_migrations ORDER BY id DESC LIMIT 1',
    );
    expect(history?.kind).toBe('carry-over-archive');
    expect(JSON.parse(String(history?.details))).toMatchObject({
      archive: 'runs_v1_archive.db',
      runsCarried: carriedRows('runs'),
    });
  });

  it('runs close --stale then closes the formerly archived running runs, and no longer points at the archive', async () => {
    const result = await cli('runs', 'close', '--stale', '--older-than', '1d');
    expect(result.code, result.stderr).toBe(0);
    expect(lines(result.stdout).sort()).toEqual(running);
    expect(result.stderr).toContain(`${running.length} stale run(s) closed`);
    expect(result.stderr).not.toContain('archive');
    for (const id of running)
      expect(plainAll(db, 'SELECT status FROM runs WHERE run_id = ?', [id])).toEqual([
        { status: 'failed' },
      ]);
    expect(sha256(archive)).toBe(archiveHash);
  });

  it('a second --carry-over-archive carries nothing and says so', async () => {
    const counts = TABLES.map((t) => count(db, `SELECT count(*) AS n FROM ${t}`));
    const result = await cli('migrate', '--carry-over-archive', '--yes');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/nothing to carry over/i);
    expect(result.stdout).toContain(`all ${count(untouched, 'SELECT count(*) AS n FROM runs')}`);
    expect(TABLES.map((t) => count(db, `SELECT count(*) AS n FROM ${t}`))).toEqual(counts);
    const json = await cli('--json', 'migrate', '--carry-over-archive', '--yes');
    expect(JSON.parse(json.stdout)).toMatchObject({ runsCarried: 0, runsSkipped: 393 });
  });
});

describe('migrate --carry-over-archive: --backfill, and where there is nothing to carry', () => {
  it('--backfill computes the v2 metrics of the carried runs from their v1 data', async () => {
    const folder = path.join(dir, 'backfill');
    const db = copyFixture(V1_18, folder);
    const original = copyFixture(V1_18, path.join(dir, 'backfill-untouched'));
    expect((await runCli(['--db', db, 'migrate', '--yes'], { cwd: dir })).code).toBe(0);
    const result = await runCli(
      ['--db', db, 'migrate', '--carry-over-archive', '--backfill', '--yes'],
      {
        cwd: dir,
      },
    );
    expect(result.code, result.stderr).toBe(0);
    // Expected distributions, independently: each entity's latest assignment (timestamp, then id).
    const latest = plainAll(
      original,
      `SELECT run_id, resolution, count(*) AS n FROM resolution_assignments a
        WHERE NOT EXISTS (SELECT 1 FROM resolution_assignments b WHERE b.run_id = a.run_id
              AND b.entity_id = a.entity_id AND (b.timestamp > a.timestamp OR (b.timestamp = a.timestamp AND b.id > a.id)))
        GROUP BY run_id, resolution`,
    );
    const expected = new Map<string, Record<string, number>>();
    for (const row of latest) {
      const levels = expected.get(String(row.run_id)) ?? {};
      levels[String(row.resolution).toLowerCase()] = Number(row.n);
      expected.set(String(row.run_id), levels);
    }
    const runs = plainAll(
      db,
      'SELECT run_id, tokens_used, actual_tokens_used, fidelity_distribution FROM runs',
    );
    expect(runs).toHaveLength(9);
    for (const run of runs) {
      expect(run.actual_tokens_used).toBe(run.tokens_used);
      const levels = expected.get(String(run.run_id));
      if (levels) expect(JSON.parse(String(run.fidelity_distribution))).toEqual(levels);
      else expect(run.fidelity_distribution).toBeNull();
    }
  });

  it('migrate --strategy carry-over on a database that is v2 already points at --carry-over-archive while the archive holds runs it lacks', async () => {
    const folder = path.join(dir, 'later-carry');
    const db = copyFixture(V1_18, folder);
    const cli = (...args: string[]) => runCli(['--db', db, ...args], { cwd: dir });
    expect((await cli('migrate', '--yes')).code).toBe(0);
    const archived = count(
      path.join(folder, 'runs_v1_archive.db'),
      'SELECT count(*) AS n FROM runs',
    );
    for (const extra of [['--yes'], ['--dry-run'], ['--json', '--yes']]) {
      const result = await cli('migrate', '--strategy', 'carry-over', ...extra);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(`holds ${archived} run(s)`);
      expect(result.stderr).toContain('runmeta migrate --carry-over-archive --yes');
    }
    expect((await cli('migrate', '--carry-over-archive', '--yes')).code).toBe(0);
    const after = await cli('migrate', '--strategy', 'carry-over', '--yes');
    expect(after.code).toBe(0);
    expect(after.stderr).not.toContain('--carry-over-archive');
  });

  it('refuses a v1 file (exit 3: migrate it with --strategy carry-over) and says so where there is no archive', async () => {
    const folder = path.join(dir, 'carry-v1');
    const db = copyFixture(V1_18, folder);
    const snapshot = snapshotDir(folder);
    const v1 = await runCli(['--db', db, 'migrate', '--carry-over-archive', '--yes'], { cwd: dir });
    expect(v1.code).toBe(3);
    expectOneErrorLine(v1);
    expect(v1.stderr).toContain('runmeta migrate --strategy carry-over');
    expect(snapshotDir(folder)).toEqual(snapshot);

    const fresh = path.join(dir, 'carry-fresh', 'runs.db');
    fs.mkdirSync(path.dirname(fresh));
    expect(
      (await runCli(['--db', fresh, 'start', '--template', 't', '--mode', 'forward'], { cwd: dir }))
        .code,
    ).toBe(0);
    const none = await runCli(['--db', fresh, 'migrate', '--carry-over-archive', '--yes'], {
      cwd: dir,
    });
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toMatch(/no v1 archive/i);
  });
});
