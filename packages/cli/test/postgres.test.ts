/**
 * The CLI against a real PostgreSQL server: `runmeta import` copies the real v1
 * file in and migrates it there, and the same commands then work with
 * `--db postgres://…?schema=…`, giving the same answers as on the SQLite file.
 */
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  copyFixture,
  expectOneErrorLine,
  makeTempDir,
  plainAll,
  plainCount,
  plainRun,
  removeDir,
  runCli,
  sha256,
  V1_18,
  V1_20,
} from './helpers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test server's URL (packages/postgres/test/global-setup.ts). */
    postgresUrl: string;
  }
}

const temp = makeTempDir('cli-postgres');
afterAll(() => removeDir(temp));

const server = () => inject('postgresUrl');
const schema = `cli_${process.pid}`;
const db = () => `${server()}?schema=${schema}`;
const cli = (args: string[]) => runCli(args, { cwd: temp });

describe('runmeta with --db postgres://', () => {
  const file = path.join(temp, 'file', 'runs.db');
  const importCarryOver = (...extra: string[]) => [
    'import',
    ...['--from', file, '--to', db(), '--strategy', 'carry-over'],
    ...extra,
  ];

  it('imports the real v1 file (carry-over), leaving the file unchanged', async () => {
    copyFixture(V1_20, path.dirname(file));
    const before = sha256(file);
    const result = await cli(importCarryOver('--json'));
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      sourceKind: 'v1-deployed-20',
      runs: 393,
      migration: { action: 'migrate', strategy: 'carry-over', runsCarried: 393, integrity: 'ok' },
    });
    expect(report.copied.map((t: { table: string; rows: number }) => [t.table, t.rows])).toEqual([
      ['runs', 393],
      ['mechanism_usage', 17179],
      ['resolution_assignments', 1313],
      ['validations', 0],
    ]);
    expect(sha256(file)).toBe(before);
  });

  it('refuses a second import into the same schema, then replaces it with --replace --yes', async () => {
    const again = await cli(['import', '--from', file, '--to', db()]);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/already exists.*--replace/);
    const replaced = await cli(importCarryOver('--replace', '--yes'));
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(replaced.stdout).toMatch(/4 tables, 18885 rows, counts verified/);
  });

  it('reports status: v2, 393 runs, the archive schema; with --check, integrity ok', async () => {
    const result = await cli(['--db', db(), 'status', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const status = JSON.parse(result.stdout);
    expect(status).toMatchObject({ kind: 'v2', runs: 393, integrity: null, upToDate: true });
    expect(status.archive).toMatchObject({ runs: 393, schemaVersion: '1.0' });
    expect(status.archive.integrity).toBeUndefined();
    const checked = await cli(['--db', db(), 'status', '--json', '--check']);
    expect(checked.code, checked.stderr).toBe(0);
    expect(JSON.parse(checked.stdout)).toMatchObject({
      runs: 393,
      integrity: 'ok',
      archive: { runs: 393, integrity: 'ok' },
    });
    const verified = await cli(['--db', db(), 'verify', '--json']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ integrity: 'ok', ok: true, problems: [] });
    expect(status.archive.path).toContain(`schema=${schema}_v1_archive`);
  });

  it('finds the server however the URL is given: --db=…, RUNMETA_DB (the driver loads only then)', async () => {
    for (const run of [
      () => cli([`--db=${db()}`, 'status', '--json']),
      () => runCli(['status', '--json'], { cwd: temp, env: { RUNMETA_DB: db() } }),
    ]) {
      const result = await run();
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ kind: 'v2', runs: 393 });
    }
  });

  it('counts runs by status on the server as the imported file holds them', async () => {
    const result = await cli(['--db', db(), 'status', '--json']);
    expect(result.code, result.stderr).toBe(0);
    // Independently: every status of the untouched file, folded here as reads fold them.
    const expected: Record<string, number> = {};
    for (const { status } of plainAll(file, 'SELECT status FROM runs')) {
      const folded = typeof status === 'string' ? status.trim().toLowerCase() : null;
      const key =
        folded && ['running', 'completed', 'failed'].includes(folded) ? folded : String(status);
      expected[key] = (expected[key] ?? 0) + 1;
    }
    expect(JSON.parse(result.stdout).runsByStatus).toEqual(expected);
  });

  it('answers queries exactly as the SQLite file does', async () => {
    // The same file, migrated the same way, on SQLite.
    const migrated = await cli(['--db', file, 'migrate', '--strategy', 'carry-over', '--yes']);
    expect(migrated.code, migrated.stderr).toBe(0);
    for (const query of [
      ['runs', 'list', '--where', "status = 'failed' or fidelity.trained >= 2"],
      ['runs', 'list', '--template', 'jefferson_dinner', '--sort', 'newest', '--limit', '7'],
      ['runs', 'list', '--where', "template_id like 'JEFF%'"],
      ['report', '--by', 'mode'],
    ]) {
      const onFile = await cli(['--db', file, ...query, '--json']);
      const onServer = await cli(['--db', db(), ...query, '--json']);
      expect(onServer.code, onServer.stderr).toBe(0);
      expect(JSON.parse(onServer.stdout), query.join(' ')).toEqual(JSON.parse(onFile.stdout));
      expect(JSON.parse(onServer.stdout).length ?? 1).toBeGreaterThan(0);
    }
  });

  it('records a run from a shell pipeline', async () => {
    const started = await cli([
      '--db',
      db(),
      'start',
      '--template',
      'shell',
      '--mode',
      'forward',
      '--token-budget',
      '1000',
    ]);
    expect(started.code, started.stderr).toBe(0);
    const run = started.stdout.trim();
    for (const record of [
      ['mechanism', run, 'M3', 'seed'],
      ['resolution', run, 'ceo', 'DIALOG', 'tp_001'],
    ]) {
      const recorded = await cli(['--db', db(), 'record', ...record]);
      expect(recorded.code, recorded.stderr).toBe(0);
    }
    const done = await cli([
      '--db',
      db(),
      'complete',
      run,
      '--entities',
      '2',
      '--timepoints',
      '1',
      '--cost',
      '0.01',
      '--tokens',
      '800',
      '--json',
    ]);
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({
      runId: run,
      status: 'completed',
      tokenBudgetCompliance: 0.8,
      fidelityDistribution: { dialog: 1 },
    });
    const inspected = await cli(['--db', db(), 'inspect', run]);
    expect(inspected.code, inspected.stderr).toBe(0);
    expect(inspected.stdout).toMatch(/M3/);
  });

  it('says what to check when the server cannot be reached', async () => {
    const result = await cli(['--db', 'postgres://runmeta@127.0.0.1:1/none?schema=x', 'status']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/cannot be reached.*Check that PostgreSQL runs/);
  });
});

describe('--db postgres:// with a schema name that needs quoting', () => {
  // Upper case, a dot and a space: each is part of the name, never SQL.
  const at = (name: string) => `${server()}?schema=${encodeURIComponent(name)}`;

  it('writes and reads the schema exactly as named (Mixd)', async () => {
    const mixed = `Mixd.a b${process.pid}`;
    const started = await cli(['--db', at(mixed), 'start', '--template', 't', '--mode', 'forward']);
    expect(started.code, started.stderr).toBe(0);
    const status = await cli(['--db', at(mixed), 'status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ kind: 'v2', runs: 1, upToDate: true });
    const listed = await cli(['--db', at(mixed), 'runs', 'list', '--json']);
    expect(JSON.parse(listed.stdout).map((r: { runId: string }) => r.runId)).toEqual([
      started.stdout.trim(),
    ]);
  });

  it.each([
    ['pg_x', 'starts with pg_'],
    ['a%00b', 'holds a NUL character'],
    ['x'.repeat(55), 'bytes long, and PostgreSQL names hold at most 63'],
  ])('refuses ?schema=%s, saying why and what fits', async (name, why) => {
    const result = await cli([
      '--db',
      `${server()}?schema=${name}`,
      'start',
      '--template',
      't',
      '--mode',
      'forward',
    ]);
    expectOneErrorLine(result, 2);
    expect(result.stderr).toContain(why);
    expect(result.stderr).toMatch(/Choose another schema= in --db: at most 50 bytes/);
  });

  it('imports into such a schema (Runs)', async () => {
    const file = copyFixture(V1_18, path.join(temp, 'quoted'));
    const runs = plainCount(file, 'SELECT count(*) AS n FROM runs');
    const target = at(`Runs.${process.pid}`);
    const imported = await cli(['import', '--from', file, '--to', target]);
    expect(imported.code, imported.stderr).toBe(0);
    const status = await cli(['--db', target, 'status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      kind: 'v2',
      archive: { runs, path: expect.stringContaining(`Runs.${process.pid}_v1_archive`) },
    });
  });
});

describe('runmeta import of values and names PostgreSQL treats differently', () => {
  const target = (name: string) => `${server()}?schema=${name}_${process.pid}`;

  it('refuses text with a NUL character, naming the column and the run', async () => {
    const file = copyFixture(V1_18, path.join(temp, 'nul'));
    const [run] = plainAll(file, 'SELECT run_id FROM runs ORDER BY rowid LIMIT 1');
    plainRun(
      file,
      `UPDATE runs SET template_id = 'a' || char(0) || 'b' WHERE run_id = '${run?.run_id}'`,
    );
    const before = sha256(file);
    const result = await cli(['import', '--from', file, '--to', target('nul')]);
    expectOneErrorLine(result, 2);
    expect(result.stderr).toContain(
      `Invalid runs.template_id: run "${run?.run_id}" holds a NUL character`,
    );
    expect(sha256(file)).toBe(before);
    const status = await cli(['--db', target('nul'), 'status']);
    expect(status.code).toBe(3);
  });

  it('imports tables with their own _rowid_ and __runmeta_order columns', async () => {
    const file = copyFixture(V1_18, path.join(temp, 'hidden'));
    plainRun(
      file,
      `CREATE TABLE notes ("_rowid_" TEXT, "__runmeta_order" TEXT, x INTEGER);
       INSERT INTO notes VALUES ('z', 'q', 1), (NULL, 'b', 2), ('a', NULL, 3);`,
    );
    const result = await cli(['import', '--from', file, '--to', target('hidden'), '--json']);
    expect(result.code, result.stderr).toBe(0);
    const copied = JSON.parse(result.stdout).copied as { table: string; rows: number }[];
    expect(copied.find((t) => t.table === 'notes')?.rows).toBe(
      plainCount(file, 'SELECT count(*) AS n FROM notes'),
    );
  });
});
