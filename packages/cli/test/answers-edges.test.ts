/**
 * Issue 12, found again by a review that tried the fixed CLI as a new user: the
 * same classes of defect at other places — crashes on legacy shapes and values,
 * SDK names in CLI errors, case, undecodable values in CSV, cut ids, times shown
 * as stored, unknown creation times in filters, absurd ages. Answers are checked
 * against plain better-sqlite3 reads of the files.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyFixture,
  expectOneErrorLine,
  makeTempDir,
  parseCsv,
  plainAll,
  plainCount,
  plainRun,
  removeDir,
  runCli,
  V2_32,
} from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = makeTempDir('answers-edges');
});
afterAll(() => removeDir(dir));

const cli = (args: string[]) => runCli(args, { cwd: dir });

/** A documented-v1 file that has only its `runs` table (no child tables at all). */
function runsOnlyV1(folder: string): string {
  const file = path.join(folder, 'runs.db');
  fs.mkdirSync(folder, { recursive: true });
  const db = new BetterSqlite3(file);
  db.exec(`CREATE TABLE runs (run_id TEXT PRIMARY KEY, template_id TEXT, created_at TIMESTAMP,
    causal_mode TEXT, status TEXT, entities_created INTEGER, timepoints_created INTEGER, tokens_used INTEGER);
    INSERT INTO runs VALUES ('r01', 'tA', '2025-11-01 12:00:45', 'forward', 'completed', 3, 1, 1000);`);
  db.close();
  return file;
}

describe('no crash on legacy shapes and values', () => {
  it('inspect works on a v1 file without child tables, before and after migrating it', async () => {
    const db = runsOnlyV1(path.join(dir, 'runs-only'));
    for (const step of [[], ['migrate', '--yes']]) {
      if (step.length) expect((await cli(['--db', db, ...step])).code).toBe(0);
      const result = await cli(['--db', db, 'inspect', 'r01']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('Mechanisms Used: none');
      // (3 + 1) / 1000, from the v1 row itself.
      expect(result.stdout).toContain('Fidelity Efficiency: 0.004000 quality/token');
    }
  });

  it('report draws no bar for a negative cost or token count, and still totals them', async () => {
    const db = path.join(dir, 'negative', 'runs.db');
    const started = await cli(['--db', db, 'start', '--template', 'good', '--mode', 'forward']);
    const done = ['complete', started.stdout.trim(), '--entities', '1', '--timepoints', '1'];
    expect((await cli(['--db', db, ...done, '--cost', '1', '--tokens', '100'])).code).toBe(0);
    plainRun(
      db,
      "INSERT INTO runs (run_id, template_id, created_at, causal_mode, status, cost_usd, tokens_used, schema_version) VALUES ('n1', 'refund', '2025-01-01', 'forward', 'completed', -0.5, -100, '2.0')",
    );
    const result = await cli(['--db', db, 'report']);
    expect(result.code, result.stderr).toBe(0);
    const [total] = plainAll(
      db,
      'SELECT sum(cost_usd) AS cost, sum(tokens_used) AS tokens FROM runs',
    );
    expect(result.stdout).toContain(`$${Number(total!.cost).toFixed(2)}`);
    expect(result.stdout).toMatch(/refund\s+-0\.5|\$-0\.50/);
  });

  it('runs show lists a run with 150,000 mechanism events', async () => {
    const db = path.join(dir, 'many-events', 'runs.db');
    const started = await cli(['--db', db, 'start', '--template', 't', '--mode', 'forward']);
    const runId = started.stdout.trim();
    const plain = new BetterSqlite3(db);
    const insert = plain.prepare(
      "INSERT INTO mechanism_usage (run_id, mechanism, function_name, timestamp, context) VALUES (?, 'M3', ?, '2025-01-01T00:00:00', '{}')",
    );
    plain.transaction(() => {
      for (let i = 0; i < 150_000; i++) insert.run(runId, `f${i}`);
    })();
    plain.close();
    const result = await cli(['--db', db, 'runs', 'show', runId]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Mechanism events (150000)');
  });
});

describe('CLI errors name flags and arguments, not SDK fields', () => {
  const db = () => path.join(dir, 'words', 'runs.db');
  // A refused `start` creates nothing, so the reads below need a database made first.
  beforeAll(async () => {
    const made = await cli(['--db', db(), 'start', '--template', 't', '--mode', 'forward']);
    expect(made.code, made.stderr).toBe(0);
  });
  it.for([
    [['start', '--template', 't', '--mode', 'quantum'], 'Invalid --mode:', 'causalMode'],
    [
      ['start', '--template', 't', '--mode', 'forward', '--run-id', ''],
      'Invalid --run-id:',
      'runId',
    ],
    [['runs', 'list', '--since', 'yesterday'], 'Invalid --since:', 'filter.since'],
    [['runs', 'list', '--until', '2025-02-30'], 'Invalid --until:', 'filter.until'],
    [['runs', 'list', '--where', 'nope = 1'], 'Invalid --where:', 'Invalid where'],
  ] as const)('%s', async ([args, named, sdk]) => {
    const result = await cli(['--db', db(), ...args]);
    expectOneErrorLineOrCaret(result);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(named);
    expect(result.stderr).not.toContain(sdk);
  });

  it('record commands name the argument or flag that was wrong', async () => {
    const started = await cli(['--db', db(), 'start', '--template', 't', '--mode', 'forward']);
    const runId = started.stdout.trim();
    const cases = [
      [['record', 'mechanism', runId, 'X99', 'f'], 'Invalid <mechanism>:'],
      [['record', 'mechanism', runId, 'M3', 'f', '--context', '[1,2]'], 'Invalid --context:'],
      [['record', 'resolution', runId, 'ceo', 'ultra', 'tp1'], 'Invalid <level>:'],
    ] as const;
    for (const [args, named] of cases) {
      const result = await cli(['--db', db(), ...args]);
      expectOneErrorLine(result, 2);
      expect(result.stderr).toContain(named);
      expect(result.stderr).not.toMatch(/mechanisms\[0\]|resolutions\[0\]/);
    }
  });
});

/** One error line — or, for `--where`, the error line followed by the filter and its caret. */
function expectOneErrorLineOrCaret(result: {
  code: number | null;
  stdout: string;
  stderr: string;
}) {
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^error: /);
  const extra = result.stderr.trimEnd().split('\n').length - 1;
  expect(extra === 0 || /\n\s+\^$/.test(result.stderr.trimEnd())).toBe(true);
}

describe('any case, everywhere', () => {
  it('runs list --status FAILED --mode PEARL, and a level written Scene', async () => {
    const db = copyFixture(V2_32, path.join(dir, 'case'));
    const result = await cli(['--db', db, '--json', 'runs', 'list', '--status', 'FAILED']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveLength(
      plainCount(db, "SELECT count(*) AS n FROM runs WHERE lower(status) = 'failed'"),
    );
    expect((await cli(['--db', db, 'runs', 'list', '--mode', 'PEARL'])).code).toBe(0);
    const started = await cli(['--db', db, 'start', '--template', 't', '--mode', 'Forward']);
    const runId = started.stdout.trim();
    const recorded = await cli(['--db', db, 'record', 'resolution', runId, 'ceo', 'Scene', 'tp']);
    expect(recorded.code, recorded.stderr).toBe(0);
    expect(
      plainAll(db, 'SELECT resolution FROM resolution_assignments WHERE run_id = ?', [runId]),
    ).toEqual([{ resolution: 'scene' }]);
  });
});

describe('tables and CSV show what is stored', () => {
  let db: string;
  beforeAll(() => {
    db = copyFixture(V2_32, path.join(dir, 'shown'));
    plainRun(
      db,
      `UPDATE runs SET fidelity_distribution = 'garbage', fidelity_strategy_json = 'not json'
         WHERE rowid = (SELECT min(rowid) FROM runs);
       INSERT INTO runs (run_id, template_id, started_at, causal_mode, status)
         VALUES ('an_id_much_longer_than_any_other_run_id_in_this_file_at_all', 't', '2099-01-01T14:00:00+02:00', 'forward', 'running');`,
    );
  });

  it('CSV keeps a value runmeta cannot decode as it is stored', async () => {
    const result = await cli(['--db', db, 'export', '--format', 'csv']);
    const [header, ...records] = parseCsv(result.stdout);
    const [row] = plainAll(
      db,
      'SELECT run_id, fidelity_distribution, fidelity_strategy_json FROM runs ORDER BY rowid LIMIT 1',
    );
    const record = records.find((r) => r[header!.indexOf('runId')] === row!.run_id)!;
    expect(record[header!.indexOf('fidelityDistribution')]).toBe(row!.fidelity_distribution);
    expect(record[header!.indexOf('fidelityStrategy')]).toBe(row!.fidelity_strategy_json);
  });

  it('the table never cuts a run id, and shows creation times in UTC', async () => {
    const result = await cli(['--db', db, 'runs', 'list', '--sort', 'newest', '--limit', '1']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('an_id_much_longer_than_any_other_run_id_in_this_file_at_all');
    expect(result.stdout).toContain('created (UTC)');
    expect(result.stdout).toContain('2099-01-01 12:00:00');
  });
});

describe('ages and unknown times', () => {
  it('runs close --dry-run: an absurd age finds nothing (no internal error); a run whose start is unknown is never stale', async () => {
    const db = copyFixture(V2_32, path.join(dir, 'ages'));
    plainRun(
      db,
      "UPDATE runs SET started_at = 'not a time' WHERE rowid = (SELECT min(rowid) FROM runs WHERE status = 'running')",
    );
    const close = (age: string) =>
      cli(['--db', db, '--json', 'runs', 'close', '--stale', '--older-than', age, '--dry-run']);
    for (const age of ['1000000w', '99999999999999w']) {
      const result = await close(age);
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual([]);
    }
    const day = await close('1d');
    // The fixture's runs started in 2025: every running run with a real start is a day old.
    const expected = plainAll(
      db,
      "SELECT run_id FROM runs WHERE status = 'running' AND julianday(started_at) IS NOT NULL ORDER BY run_id",
    ).map((r) => r.run_id);
    expect(expected.length).toBeGreaterThan(0);
    expect((JSON.parse(day.stdout) as { runId: string }[]).map((r) => r.runId).sort()).toEqual(
      expected,
    );
  });
});
