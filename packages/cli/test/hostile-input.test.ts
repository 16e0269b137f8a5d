/**
 * Hostile input through the `runmeta` process: filters too large or
 * malformed for the engine, text that would not round-trip (bytes that are not
 * UTF-8 in an argument, a lone surrogate escaped in --context JSON), and
 * numbers that would not be stored as given. Each is exit 2 with one line in
 * the CLI's words (the flag), and the database is byte-identical afterwards.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BIN,
  type CliResult,
  expectOneErrorLine,
  hasStack,
  makeTempDir,
  removeDir,
  runCli,
  snapshotDir,
} from './helpers.js';

let dir: string;
let db: string;
let runId: string;
const cli = (...args: string[]) => runCli(['--db', db, ...args], { cwd: dir });

beforeAll(async () => {
  dir = makeTempDir('hostile-input');
  db = path.join(dir, 'metadata', 'runs.db');
  fs.mkdirSync(path.dirname(db));
  const started = await cli('start', '--template', 't', '--mode', 'forward', '--run-id', 'r1');
  expect(started.code, started.stderr).toBe(0);
  runId = started.stdout.trim();
});
afterAll(() => removeDir(dir));

/**
 * Rows through a plain better-sqlite3 connection that may write: closing it
 * folds and removes the -wal and -shm files a read-only one would leave behind
 * (which would then differ from the next test's snapshot).
 */
function plainRead(file: string, sql: string, params: unknown[] = []): unknown[] {
  const connection = new BetterSqlite3(file, { fileMustExist: true });
  try {
    return connection.prepare(sql).all(...params);
  } finally {
    connection.close();
  }
}

/** Exit 2 and an error naming `named`; the folder is byte-identical. */
async function refused(
  attempt: () => Promise<CliResult>,
  named: string,
  oneLine = true,
  folder = path.dirname(db),
): Promise<CliResult> {
  const before = snapshotDir(folder);
  const result = await attempt();
  if (oneLine) expectOneErrorLine(result, 2);
  else {
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: /);
    expect(hasStack(result.stderr)).toBe(false);
  }
  expect(result.stderr).toContain(named);
  expect(result.stderr).not.toMatch(/TypeError|RangeError|Maximum call stack|internal error/);
  expect(snapshotDir(folder)).toEqual(before);
  return result;
}

describe.concurrent('--where beyond what the engine takes is a filter error (exit 2)', () => {
  it.for([
    [
      'a number that is not one',
      'cost_usd > -.',
      'expected a number (such as 3, -0.5 or 1e6) at position 12',
    ],
    ['10,000 nested nots', `${'not '.repeat(10_000)}cost_usd > 1`, 'nested more than 64 levels'],
    [
      '10,000 nested parentheses',
      `${'('.repeat(10_000)}cost_usd > 1${')'.repeat(10_000)}`,
      'nested more than 64 levels',
    ],
    [
      'an and chain of 1,000 terms',
      Array.from({ length: 1_000 }, () => 'cost_usd > 1').join(' and '),
      'more than 256 conditions',
    ],
    [
      // Over SQLite's 32,766 parameters; short values: an argument holds at most 128 KiB.
      'an in list of 40,000 values',
      `cost_usd in (${Array.from({ length: 40_000 }, () => '1').join(',')})`,
      'more than 10000 values',
    ],
  ])('%s', async ([label, where, problem]) => {
    // A copy of its own: these run at once, and readers share a file's -wal and -shm.
    const own = path.join(dir, label!.replace(/\W+/g, '-'));
    fs.mkdirSync(own);
    fs.copyFileSync(db, path.join(own, 'runs.db'));
    const result = await refused(
      () =>
        runCli(['--db', path.join(own, 'runs.db'), 'runs', 'list', '--where', where!], {
          cwd: dir,
        }),
      '--where',
      false,
      own,
    );
    expect(result.stderr).toContain(problem);
    // The place is shown, not the whole filter.
    expect(result.stderr).toMatch(/^\s*\^$/m);
    expect(result.stderr.length).toBeLessThan(2_000);
  });
});

describe('text that would not round-trip', () => {
  it('refuses an argument whose bytes are not UTF-8, naming its flag; nothing is created', async () => {
    const fresh = path.join(dir, 'fresh', 'runs.db');
    fs.mkdirSync(path.dirname(fresh));
    // Bytes 0xff 0xfe are no UTF-8: Node would read them as U+FFFD and store that.
    const result = await new Promise<CliResult>((resolve, reject) => {
      const child = spawn(
        'sh',
        [
          '-c',
          `exec "${process.execPath}" "${BIN}" --db "${fresh}" start --template t --mode forward --goal "$(printf 'a\\377\\376b')"`,
        ],
        { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
      });
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expectOneErrorLine(result, 2);
    expect(result.stderr).toContain('--goal');
    expect(result.stderr).toContain('not valid UTF-8');
    expect(result.stderr).toContain('61fffe62');
    expect(fs.readdirSync(path.dirname(fresh))).toEqual([]);
  });

  it('keeps an argument holding U+FFFD given as UTF-8 (its bytes are checked and found right)', async () => {
    const fresh = path.join(dir, 'replacement', 'runs.db');
    const goal = 'a\uFFFDb';
    const result = await runCli(
      ['--db', fresh, 'start', '--template', 't', '--mode', 'forward', '--goal', goal],
      { cwd: dir },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(plainRead(fresh, 'SELECT goal FROM runs')).toEqual([{ goal }]);
  });

  it('refuses a lone surrogate escaped in --context JSON, naming --context', async () => {
    const result = await refused(
      () => cli('record', 'mechanism', runId, 'M1', 'f', '--context', '{"note": "a\\ud800b"}'),
      '--context',
    );
    expect(result.stderr).toContain('lone UTF-16 surrogate');
    expect(plainRead(db, 'SELECT count(*) AS n FROM mechanism_usage')).toEqual([{ n: 0 }]);
  });

  it('names the run id argument in CLI words when it is empty', async () => {
    await refused(() => cli('record', 'resolution', '', 'e', 'scene', 'tp'), '<run_id>');
  });
});

describe('numbers that would not be stored as given', () => {
  it('refuses a duration too long to count, naming --older-than (not the SDK option)', async () => {
    const result = await refused(
      () => cli('runs', 'close', '--stale', '--older-than', `${'9'.repeat(400)}s`, '--dry-run'),
      '--older-than',
    );
    expect(result.stderr).not.toContain('olderThanMs');
  });

  it('refuses a decimal so small it would be stored as 0', async () => {
    const result = await refused(
      () =>
        cli(
          'start',
          '--template',
          't',
          '--mode',
          'forward',
          '--token-budget',
          `0.${'0'.repeat(400)}1`,
        ),
      '--token-budget',
    );
    expect(result.stderr).toContain('would be stored as 0');
  });

  it('refuses a completion whose compliance would not be a finite number (tokenBudget 5e-324)', async () => {
    // 5e-324 written as plain decimal digits, the only form --token-budget takes.
    const tiny = `0.${'0'.repeat(323)}5`;
    const started = await cli(
      'start',
      '--template',
      't',
      '--mode',
      'forward',
      '--token-budget',
      tiny,
    );
    expect(started.code, started.stderr).toBe(0);
    const id = started.stdout.trim();
    const result = await refused(
      () =>
        cli(
          'complete',
          id,
          '--entities',
          '1',
          '--timepoints',
          '1',
          '--cost',
          '0',
          '--tokens',
          '1000',
        ),
      '--token-budget',
    );
    expect(result.stderr).toContain('not a finite number');
    expect(
      plainRead(db, 'SELECT status, token_budget_compliance AS c FROM runs WHERE run_id = ?', [id]),
    ).toEqual([{ status: 'running', c: null }]);
  });
});
