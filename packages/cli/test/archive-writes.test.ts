/**
 * Write commands and the v1 archive: a write command
 * never archives the runs it needs; after an archive migration, `runs close`,
 * `record` and `complete` say what sits in the read-only archive; `runs close
 * --dry-run`, `export --include-archive`, and `import` naming the archive it leaves
 * behind (`migrate --carry-over-archive` is in carry-over-archive.test.ts).
 * Every expectation is derived from a plain better-sqlite3 read of an untouched
 * copy of the real 20-column file (393 runs, 14 running).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyFixture,
  expectOneErrorLine,
  lines,
  makeTempDir,
  parseCsv,
  plainCount,
  plainIds,
  plainRun,
  removeDir,
  runCli,
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

const count = plainCount;

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

  it('start with a bad argument refuses before migrating: exit 2 naming the flag, the v1 file unchanged', async () => {
    const before = snapshotDir(folder);
    for (const args of [
      ['--template', 't', '--mode', 'bogus'],
      ['--template', '', '--mode', 'forward'],
      ['--template', 't', '--mode', 'forward', '--token-budget', '-5'],
    ]) {
      const result = await cli('start', ...args);
      expectOneErrorLine(result, 2);
      expect(result.stderr).not.toContain('migrated');
      expect(snapshotDir(folder)).toEqual(before);
    }
    // Where no database exists yet, a refused start creates none.
    const fresh = path.join(dir, 'refused-start');
    const result = await runCli(
      ['--db', path.join(fresh, 'runs.db'), 'start', '--template', 't', '--mode', 'bogus'],
      { cwd: dir },
    );
    expectOneErrorLine(result, 2);
    expect(fs.existsSync(fresh)).toBe(false);
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
    // An id in neither database keeps the plain not-found message (no archive named).
    const missing = await cli('record', 'mechanism', 'run_nowhere', 'M3', 'f');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('"run_nowhere" not found');
    expect(missing.stderr).not.toContain('runs_v1_archive');
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
