/**
 * Numeric options are checked before anything runs: a value
 * that is not a number, is negative, is not whole where a count is asked for, or
 * is empty, exits 2 with one line naming the flag — it is never silently replaced
 * by a default (`demo --runs abc` used to build 400 runs) or passed on to the SDK
 * to be reported under its own field name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  copyFixture,
  hasStack,
  lines,
  makeTempDir,
  removeDir,
  runCli,
  snapshotDir,
  V2_32,
} from './helpers.js';

let dir: string;
let db: string;
let runId: string;

beforeAll(async () => {
  dir = makeTempDir('numbers');
  db = copyFixture(V2_32, path.join(dir, 'db'));
  const started = await runCli(['--db', db, 'start', '--template', 't', '--mode', 'forward'], {
    cwd: dir,
  });
  expect(started.code, started.stderr).toBe(0);
  runId = started.stdout.trim();
});
afterAll(() => removeDir(dir));

/** Stands for the id of the run started in beforeAll (not known when the cases are listed). */
const RUN = '<run>';

const complete = (flag: string, value: string) => {
  const given: Record<string, string> = {
    '--entities': '1',
    '--timepoints': '1',
    '--cost': '0.1',
    '--tokens': '10',
    [flag]: value,
  };
  return ['complete', RUN, ...Object.entries(given).flat()];
};

const CASES: [string, string[]][] = [
  ...['abc', '0', '-5', '1.5', '', '9'].map((v): [string, string[]] => [
    '--runs',
    ['demo', '--dir', 'demo-out', '--runs', v],
  ]),
  ...['abc', '-1', '1.5', ''].map((v): [string, string[]] => [
    '--limit',
    ['runs', 'list', '--limit', v],
  ]),
  ...['abc', '-1d', '', '5'].map((v): [string, string[]] => [
    '--older-than',
    ['runs', 'close', '--stale', '--older-than', v],
  ]),
  ...['abc', '-1', ''].map((v): [string, string[]] => [
    '--max-compliance',
    ['budget', 'check', '--max-compliance', v],
  ]),
  ...['abc', '-5', ''].map((v): [string, string[]] => [
    '--token-budget',
    ['start', '--template', 't', '--mode', 'forward', '--token-budget', v],
  ]),
  ...(
    [
      ['--entities', '-1'],
      ['--entities', '1.5'],
      ['--timepoints', ''],
      ['--training-examples', '-2'],
      ['--cost', 'abc'],
      ['--cost', '-0.1'],
      ['--llm-calls', 'x'],
      ['--tokens', '-3'],
      ['--token-budget', '-1'],
    ] as const
  ).map(([flag, v]): [string, string[]] => [flag, complete(flag, v)]),
];

describe('a bad number exits 2 naming the flag, and changes nothing', () => {
  // A demo built by mistake must not fail the cases after it.
  afterEach(() => fs.rmSync(path.join(dir, 'demo-out'), { recursive: true, force: true }));

  it.for(CASES)('%s: %j', async ([flag, args]) => {
    const before = snapshotDir(path.dirname(db));
    const given = args.map((arg) => (arg === RUN ? runId : arg));
    const result = await runCli(['--db', db, ...given], { cwd: dir });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^error: /);
    expect(result.stderr).toContain(flag);
    expect(hasStack(result.stderr)).toBe(false);
    expect(snapshotDir(path.dirname(db))).toEqual(before);
    expect(fs.existsSync(path.join(dir, 'demo-out')), 'demo built a database anyway').toBe(false);
  });
});

describe('good numbers still work', () => {
  it('--help says what a numeric option takes', async () => {
    const result = await runCli(['demo', '--help'], { cwd: dir });
    expect(result.stdout).toContain('a whole number ≥ 10');
  });

  it('runs list --limit 3 lists three runs; --limit 0 none', async () => {
    const three = await runCli(['--db', db, '--json', 'runs', 'list', '--limit', '3'], {
      cwd: dir,
    });
    expect(JSON.parse(three.stdout)).toHaveLength(3);
    const none = await runCli(['--db', db, '--json', 'runs', 'list', '--limit', '0'], {
      cwd: dir,
    });
    expect(JSON.parse(none.stdout)).toEqual([]);
  });
});
