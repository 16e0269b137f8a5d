/**
 * Write commands and the v1 archive (issue 12, items 7 and 19): a write command
 * never archives the runs it needs; after an archive migration, `runs close`,
 * `record` and `complete` say what sits in the read-only archive; `runs close
 * --dry-run`, `export --include-archive` and `migrate --carry-over-archive`.
 * Every expectation is derived from a plain better-sqlite3 read of an untouched
 * copy of the real 20-column file (393 runs, 14 running).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyFixture,
  hasStack,
  lines,
  makeTempDir,
  parseCsv,
  plainAll,
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
  dir = makeTempDir('archive-writes');
  untouched = copyFixture(V1_20, path.join(dir, 'untouched'));
  running = plainIds(untouched, "SELECT run_id FROM runs WHERE status = 'running' ORDER BY run_id");
});
afterAll(() => removeDir(dir));

const count = (file: string, sql: string, params: unknown[] = []) =>
  Number(plainAll(file, sql, params)[0]?.n);

/** One error line on stderr, no stack, nothing on stdout. */
function expectOneErrorLine(result: { stdout: string; stderr: string }): void {
  expect(result.stdout).toBe('');
  expect(lines(result.stderr)).toHaveLength(1);
  expect(hasStack(result.stderr)).toBe(false);
}

describe('write commands on a v1 file refuse before migrating away the runs they need', () => {
  let folder: string;
  let db: string;
  beforeAll(() => {
    folder = path.join(dir, 'v1-refuse');
    db = copyFixture(V1_20, folder);
  });
  const cli = (...args: string[]) => runCli(['--db', db, ...args], { cwd: dir });

  it('runs close --stale (and its --dry-run) exits 3, says what would happen and what to do, and changes nothing', async () => {
    expect(running).toHaveLength(14);
    const before = snapshotDir(folder);
    for (const extra of [[], ['--dry-run'], ['--json']]) {
      const result = await cli('runs', 'close', '--stale', '--older-than', '1d', ...extra);
      expect(result.code, result.stderr).toBe(3);
      expectOneErrorLine(result);
      expect(result.stderr).toContain('schema v1');
      expect(result.stderr).toContain(`${running.length} running run(s)`);
      expect(result.stderr).toContain('archive');
      expect(result.stderr).toContain('runmeta migrate --strategy carry-over --yes');
      expect(snapshotDir(folder)).toEqual(before);
    }
  });

  it('record mechanism / resolution / validation and complete exit 3 the same way, unchanged', async () => {
    const before = snapshotDir(folder);
    const runId = running[0]!;
    for (const args of [
      ['record', 'mechanism', runId, 'M3', 'seed_knowledge'],
      ['record', 'resolution', runId, 'ceo', 'DIALOG', 'tp_001'],
      ['record', 'validation', runId, 'timeline', '--passed'],
      ['complete', runId, '--entities', '1', '--timepoints', '1', '--cost', '0', '--tokens', '1'],
    ]) {
      const result = await cli(...args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(3);
      expectOneErrorLine(result);
      expect(result.stderr).toContain(`"${runId}"`);
      expect(result.stderr).toContain('archive');
      expect(result.stderr).toContain('runmeta migrate --strategy carry-over --yes');
      expect(snapshotDir(folder)).toEqual(before);
    }
    // A run in neither database: not found (exit 2), still without migrating.
    const missing = await cli('record', 'mechanism', 'run_nowhere', 'M3', 'f');
    expect(missing.code).toBe(2);
    expectOneErrorLine(missing);
    expect(missing.stderr).toContain('"run_nowhere" not found');
    expect(snapshotDir(folder)).toEqual(before);
  });

  it('start still migrates a v1 file (a new run needs none of the old ones)', async () => {
    const result = await cli('start', '--template', 'fresh', '--mode', 'forward');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('runs_v1_archive.db');
    expect(count(path.join(folder, 'runs_v1_archive.db'), 'SELECT count(*) AS n FROM runs')).toBe(
      393,
    );
  });
});

describe('after an archive migration: what sits in the archive is said, not ignored', () => {
  let folder: string;
  let db: string;
  let archive: string;
  /** An archived run that is completed, re-used as an active run id. */
  let shared: string;
  /** Runs started in the active database. */
  const started: string[] = [];
  const cli = (...args: string[]) => runCli(['--db', db, ...args], { cwd: dir });

  beforeAll(async () => {
    folder = path.join(dir, 'v2-archive');
    db = copyFixture(V1_20, folder);
    archive = path.join(folder, 'runs_v1_archive.db');
    const migrated = await cli('migrate', '--yes');
    expect(migrated.code, migrated.stderr).toBe(0);
    shared = plainIds(untouched, "SELECT run_id FROM runs WHERE status = 'completed' LIMIT 1")[0]!;
    for (const args of [
      ['start', '--template', 'v2_board', '--mode', 'forward'],
      ['start', '--template', 'v2_board', '--mode', 'directorial'],
    ]) {
      const result = await cli(...args);
      expect(result.code, result.stderr).toBe(0);
      started.push(result.stdout.trim());
    }
    // A run in both databases (as an import or a hand copy leaves): written directly.
    plainRun(
      db,
      `INSERT INTO runs (run_id, template_id, causal_mode, status, created_at, schema_version) VALUES ('${shared}', 'v2_shared', 'forward', 'running', '${new Date().toISOString()}', '2.0')`,
    );
  });

  it('start --run-id refuses the id of an archived run (it would shadow it), writing nothing', async () => {
    const runs = count(db, 'SELECT count(*) AS n FROM runs');
    const result = await cli(
      'start',
      '--template',
      't',
      '--mode',
      'forward',
      '--run-id',
      running[0]!,
    );
    expect(result.code).toBe(2);
    expectOneErrorLine(result);
    expect(result.stderr).toContain(`"${running[0]}" already exists`);
    expect(result.stderr).toContain('runs_v1_archive.db');
    expect(count(db, 'SELECT count(*) AS n FROM runs')).toBe(runs);
  });

  it('runs close --stale closes nothing active and says how many running runs sit in the archive', async () => {
    const result = await cli('runs', 'close', '--stale', '--older-than', '1d');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('0 stale run(s) closed');
    expect(result.stderr).toContain(`${running.length} running run(s)`);
    expect(result.stderr).toContain('archive');
    expect(result.stderr).toContain('runmeta migrate --carry-over-archive');
    expect(count(archive, "SELECT count(*) AS n FROM runs WHERE status = 'running'")).toBe(14);
  });

  it('runs close --stale --dry-run lists what would be closed and changes nothing (text and --json)', async () => {
    const expected = plainIds(db, "SELECT run_id FROM runs WHERE status = 'running'");
    expect(expected.length).toBe(3);
    // After the plain read: a read-only connection to a WAL file leaves its -wal/-shm behind.
    const before = snapshotDir(folder);
    const text = await cli('runs', 'close', '--stale', '--older-than', '0s', '--dry-run');
    expect(text.code, text.stderr).toBe(0);
    expect(new Set(lines(text.stdout))).toEqual(new Set(expected));
    expect(text.stderr).toContain(`${expected.length} stale run(s) would be closed`);
    expect(text.stderr).toContain(`${running.length} running run(s)`);
    const json = await cli('--json', 'runs', 'close', '--stale', '--older-than', '0s', '--dry-run');
    expect(json.code, json.stderr).toBe(0);
    const runs = JSON.parse(json.stdout) as { runId: string; status: string }[];
    expect(new Set(runs.map((r) => r.runId))).toEqual(new Set(expected));
    expect(runs.every((r) => r.status === 'running')).toBe(true);
    expect(snapshotDir(folder)).toEqual(before);
  });

  it('record and complete on a run that is only in the archive say it is there, read-only, and how to carry it over', async () => {
    const runId = running[0]!;
    for (const args of [
      ['record', 'mechanism', runId, 'M3', 'seed_knowledge'],
      ['record', 'resolution', runId, 'ceo', 'DIALOG', 'tp_001'],
      ['complete', runId, '--entities', '1', '--timepoints', '1', '--cost', '0', '--tokens', '1'],
    ]) {
      const result = await cli(...args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expectOneErrorLine(result);
      expect(result.stderr).toContain(`"${runId}"`);
      expect(result.stderr).toContain('runs_v1_archive.db');
      expect(result.stderr).toContain('read-only');
      expect(result.stderr).toContain('runmeta migrate --carry-over-archive');
    }
    // An id in neither database keeps the plain not-found message.
    const missing = await cli('record', 'mechanism', 'run_nowhere', 'M3', 'f');
    expect(missing.code).toBe(2);
    expect(missing.stderr).not.toContain('archive');
  });

  it('export --include-archive streams both databases, each line saying its source, a shared run once (active)', async () => {
    const activeIds = plainIds(db, 'SELECT run_id FROM runs');
    const archivedIds = plainIds(archive, 'SELECT run_id FROM runs');
    const expected = new Map<string, string>();
    for (const id of archivedIds) expected.set(id, 'archive');
    for (const id of activeIds) expected.set(id, 'active');
    expect(expected.size).toBe(activeIds.length + archivedIds.length - 1);

    const jsonl = await cli('export', '--include-archive');
    expect(jsonl.code, jsonl.stderr).toBe(0);
    const records = lines(jsonl.stdout).map(
      (line) => JSON.parse(line) as { runId: string; source: string; templateId: string },
    );
    expect(records).toHaveLength(expected.size);
    expect(new Map(records.map((r) => [r.runId, r.source]))).toEqual(expected);
    expect(records.find((r) => r.runId === shared)?.templateId).toBe('v2_shared');

    const csv = await cli('export', '--include-archive', '--format', 'csv');
    expect(csv.code, csv.stderr).toBe(0);
    const [header, ...rows] = parseCsv(csv.stdout.trimEnd());
    const idAt = header!.indexOf('runId');
    const sourceAt = header!.indexOf('source');
    expect(new Map(rows.map((r) => [r[idAt]!, r[sourceAt]!]))).toEqual(expected);
    expect(rows).toHaveLength(expected.size);

    // Without the flag: the active database only, as before.
    const activeOnly = await cli('export');
    expect(lines(activeOnly.stdout)).toHaveLength(activeIds.length);
  });
});

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

describe('import of a migrated file says its archive stays behind', () => {
  it('warns (text and --json) that the v1 archive and its runs were not imported, and how to bring them', async () => {
    const folder = path.join(dir, 'import-source');
    const source = copyFixture(V1_18, folder);
    expect((await runCli(['--db', source, 'migrate', '--yes'], { cwd: dir })).code).toBe(0);
    const archived = count(
      path.join(folder, 'runs_v1_archive.db'),
      'SELECT count(*) AS n FROM runs',
    );
    for (const [name, json] of [
      ['text.db', false],
      ['json.db', true],
    ] as const) {
      const target = path.join(dir, 'import-target', name);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const result = await runCli(
        [...(json ? ['--json'] : []), 'import', '--from', source, '--to', target],
        { cwd: dir },
      );
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain('runs_v1_archive.db');
      expect(result.stderr).toContain(`(${archived} runs)`);
      expect(result.stderr).toContain('not imported');
      expect(result.stderr).toContain(`runmeta --db ${source} migrate --carry-over-archive --yes`);
      if (json) expect(JSON.parse(result.stdout).sourceArchive).toMatchObject({ runs: archived });
      // Indeed not there: the target has no run of the archive.
      expect(count(target, 'SELECT count(*) AS n FROM runs')).toBe(0);
    }
  });
});
