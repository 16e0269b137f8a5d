/**
 * Exit codes and error messages: 2 bad usage or input, 3 database problem,
 * 4 failed check; one line on stderr, nothing on stdout, no stack unless --debug.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyFixture,
  expectOneErrorLine,
  hasStack,
  makeTempDir,
  plainAll,
  plainRun,
  removeDir,
  runCli,
  sha256,
  snapshotDir,
  V1_18,
  V2_32,
} from './helpers.js';

let dir: string;
/** An unmigrated 18-column v1 database. */
let v1: string;
/** The 18-column file migrated (archive strategy): v2 runs.db + runs_v1_archive.db. */
let migrated: string;
/** Random bytes. */
let junk: string;
/** The 32-column file with one run at schema_version 3.0. */
let newer: string;

beforeAll(async () => {
  dir = makeTempDir('errors');
  v1 = copyFixture(V1_18, path.join(dir, 'v1'));
  migrated = copyFixture(V1_18, path.join(dir, 'migrated'));
  const result = await runCli(['--db', migrated, 'migrate', '--yes'], { cwd: dir });
  expect(result.code).toBe(0);
  junk = path.join(dir, 'junk', 'runs.db');
  fs.mkdirSync(path.dirname(junk));
  // Deterministic noise that is certainly not an SQLite header.
  fs.writeFileSync(junk, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 131 + 7) % 256)));
  newer = copyFixture(V2_32, path.join(dir, 'newer'));
  plainRun(
    newer,
    "UPDATE runs SET schema_version = '3.0' WHERE rowid = (SELECT min(rowid) FROM runs)",
  );
});
afterAll(() => removeDir(dir));

const cli = (args: string[], env?: Record<string, string | undefined>) =>
  runCli(args, { cwd: dir, env });

describe.concurrent('bad usage exits 2', () => {
  it('unknown command: one error line on stderr, nothing on stdout', async () => {
    const result = await cli(['frobnicate']);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
    expectOneErrorLine(result, 2);
  });

  it('unknown option: one error line on stderr, nothing on stdout', async () => {
    const result = await cli(['--db', v1, 'status', '--frob']);
    expect(result.stderr).toContain("unknown option '--frob'");
    expectOneErrorLine(result, 2);
  });

  it('unknown global option and unknown subcommand exit 2 with nothing on stdout', async () => {
    for (const args of [
      ['--frob', 'status'],
      ['runs', 'frob'],
      ['runs', 'show'],
    ]) {
      const result = await cli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^error: /);
    }
  });

  it('a bad choice names the option and the allowed values', async () => {
    const result = await cli(['--db', migrated, 'runs', 'list', '--status', 'bogus']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('--status');
    expect(result.stderr).toContain('completed');
  });

  it('a command group without a subcommand is bad usage (usage on stderr, exit 2)', async () => {
    const result = await cli(['runs']);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: runmeta runs');
    expect(result.code).toBe(2);
  });

  it('--json on a command that prints no data exits 2', async () => {
    const result = await cli(['--db', migrated, '--json', 'export']);
    expectOneErrorLine(result, 2);
    expect(result.stderr).toContain('--json');
  });

  it('runs show <unknown id> exits 2 and names the run', async () => {
    const result = await cli(['--db', migrated, 'runs', 'show', 'run_does_not_exist']);
    expectOneErrorLine(result, 2);
    expect(result.stderr).toContain('run_does_not_exist');
  });

  it('inspect <unknown id> exits 2, also with --json', async () => {
    const result = await cli(['--db', migrated, '--json', 'inspect', 'run_does_not_exist']);
    expectOneErrorLine(result, 2);
  });
});

describe.concurrent('bad --where exits 2 with the position and a caret', () => {
  it.for([
    ['unknown column', 'nope = 1', 'nope'],
    ['bad syntax', "status = 'failed' and", ''],
    ['injection attempt', "status = 'x'; DROP TABLE runs", ';'],
    ['unterminated string', "status = 'failed", ''],
  ])('%s', async ([, where, named]) => {
    const before = sha256(migrated);
    const result = await cli(['--db', migrated, 'runs', 'list', '--where', where!]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: /);
    expect(result.stderr).toContain('at position');
    expect(result.stderr).toMatch(/^\s*\^/m);
    expect(result.stderr).toContain(named!);
    expect(hasStack(result.stderr)).toBe(false);
    // Nothing was executed: the table is still there, the file unchanged.
    expect(sha256(migrated)).toBe(before);
    expect(plainAll(migrated, 'SELECT count(*) AS n FROM runs')[0]?.n).toBe(0);
  });

  it('the caret points at the reported position', async () => {
    const result = await cli(['--db', migrated, 'runs', 'list', '--where', "status = 'x'; 1"]);
    const position = Number(/at position (\d+)/.exec(result.stderr)?.[1]);
    const errorLines = result.stderr.split('\n');
    const caretIndex = errorLines.findIndex((line) => /^\s*\^/.test(line));
    const echo = errorLines[caretIndex - 1]!;
    const caret = errorLines[caretIndex]!;
    expect(echo.indexOf("status = 'x'; 1")).toBeGreaterThanOrEqual(0);
    const column = caret.indexOf('^') - echo.indexOf("status = 'x'; 1") + 1;
    expect(column).toBe(position);
    expect(echo[caret.indexOf('^')]).toBe(';');
  });
});

describe('database problems exit 3', () => {
  it.for([
    ['status', ['status']],
    ['runs list', ['runs', 'list']],
    ['start', ['start', '--template', 't', '--mode', 'forward']],
    ['migrate', ['migrate', '--yes']],
  ] as const)('not a database (random bytes): %s', async ([, args]) => {
    const before = sha256(junk);
    const result = await cli(['--db', junk, ...args]);
    expectOneErrorLine(result, 3);
    expect(result.stderr).toContain('not a SQLite database');
    expect(sha256(junk)).toBe(before);
  });

  it('a missing database file for a reading command exits 3 and creates nothing', async () => {
    const missing = path.join(dir, 'nowhere', 'runs.db');
    const result = await cli(['--db', missing, 'runs', 'list']);
    expectOneErrorLine(result, 3);
    expect(fs.existsSync(path.dirname(missing))).toBe(false);
  });

  it('schema_version 3.0: start exits 3 and changes nothing', async () => {
    const before = snapshotDir(path.dirname(newer));
    const result = await cli(['--db', newer, 'start', '--template', 't', '--mode', 'forward']);
    expectOneErrorLine(result, 3);
    expect(result.stderr).toContain('3.0');
    expect(snapshotDir(path.dirname(newer))).toEqual(before);
  });

  it('schema_version 3.0: migrate refuses with exit 3 and says why on stderr', async () => {
    const before = snapshotDir(path.dirname(newer));
    const result = await cli(['--db', newer, 'migrate', '--yes']);
    expect(result.code).toBe(3);
    expect(snapshotDir(path.dirname(newer))).toEqual(before);
    expect(result.stderr).toContain('3.0');
  });

  it('schema_version 3.0: reading still works and status reports it (exit 4)', async () => {
    const list = await cli(['--db', newer, '--json', 'runs', 'list', '--limit', '2']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toHaveLength(2);
    const status = await cli(['--db', newer, '--json', 'status']);
    expect(status.code).toBe(4);
    expect(JSON.parse(status.stdout).schemaVersion).toBe('3.0');
  });
});

describe('status', () => {
  it('exits 4 on a v1 file (needs migration): data on stdout, a hint on stderr', async () => {
    const result = await cli(['--db', v1, 'status']);
    expect(result.code).toBe(4);
    expect(result.stdout).toContain('needs migration');
    expect(result.stdout).toMatch(/Schema version\s+1\.0/);
    expect(result.stderr).toContain('migrate --dry-run');
  });

  it('exits 4 on a v1 file with --json too', async () => {
    const result = await cli(['--db', v1, '--json', 'status']);
    expect(result.code).toBe(4);
    const report = JSON.parse(result.stdout);
    expect(report.schemaVersion).toBe('1.0');
    expect(report.runsColumns).toBe(18);
    expect(report.runs).toBe(9);
    expect(report.archive).toBeNull();
  });

  it('exits 0 on the migrated file', async () => {
    const result = await cli(['--db', migrated, 'status']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('up to date');
    expect(result.stdout).toContain('runs_v1_archive.db');
  });

  it('does not change the v1 file', () => {
    expect(plainAll(v1, 'SELECT count(*) AS n FROM runs')[0]?.n).toBe(9);
    expect(fs.readdirSync(path.dirname(v1))).toEqual(['runs.db']);
  });
});

describe('global database option', () => {
  it('reads RUNMETA_DB, and --db wins over it', async () => {
    const fromEnv = await cli(['--json', 'status'], { RUNMETA_DB: v1 });
    expect(fromEnv.code).toBe(4);
    expect(JSON.parse(fromEnv.stdout).runs).toBe(9);
    const fromFlag = await cli(['--db', migrated, '--json', 'status'], { RUNMETA_DB: junk });
    expect(fromFlag.code).toBe(0);
  });

  it('defaults to metadata/runs.db under the working directory', async () => {
    const cwd = makeTempDir('default-db');
    try {
      copyFixture(V1_18, path.join(cwd, 'metadata'));
      const result = await runCli(['--json', 'status'], {
        cwd,
        env: { RUNMETA_DB: undefined },
      });
      expect(JSON.parse(result.stdout).runs).toBe(9);
    } finally {
      removeDir(cwd);
    }
  });
});

describe('rollback', () => {
  it('without --yes and without a TTY exits 2 and changes nothing', async () => {
    const folder = path.dirname(migrated);
    const before = snapshotDir(folder);
    const result = await cli(['--db', migrated, 'rollback']);
    expectOneErrorLine(result, 2);
    expect(result.stderr).toContain('--yes');
    expect(snapshotDir(folder)).toEqual(before);
  });

  it('with --yes restores the v1 archive and keeps v2 as runs_v2_backup.db', async () => {
    const folder = makeTempDir('rollback');
    try {
      const db = copyFixture(V1_18, folder);
      const original = sha256(db);
      expect((await runCli(['--db', db, 'migrate', '--yes'], { cwd: folder })).code).toBe(0);
      const result = await runCli(['--db', db, '--json', 'rollback', '--yes'], { cwd: folder });
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toBeTypeOf('object');
      expect(sha256(db)).toBe(original);
      expect(fs.existsSync(path.join(folder, 'runs_v2_backup.db'))).toBe(true);
    } finally {
      removeDir(folder);
    }
  });
});

describe('--debug', () => {
  it('errors print one line without a stack, and a stack with --debug', async () => {
    const plain = await cli(['--db', migrated, 'runs', 'show', 'nope']);
    expectOneErrorLine(plain, 2);
    const debug = await cli(['--db', migrated, '--debug', 'runs', 'show', 'nope']);
    expect(debug.code).toBe(2);
    expect(debug.stdout).toBe('');
    expect(debug.stderr).toMatch(/^error: /);
    expect(hasStack(debug.stderr)).toBe(true);
    // The built CLI is minified: the stack still names the error's class and the
    // source file that threw (names kept, source maps on with --debug).
    expect(debug.stderr).toMatch(/^RunNotFoundError: /m);
    expect(debug.stderr).toMatch(/core\/src\/manager\/run-reads\.ts:\d+/);
  });

  it('a database error with --debug keeps its exit code and prints a stack', async () => {
    const result = await cli(['--db', junk, 'status', '--debug']);
    expect(result.code).toBe(3);
    expect(hasStack(result.stderr)).toBe(true);
  });
});
