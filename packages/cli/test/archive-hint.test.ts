/**
 * After the default (archive) migration the active database is empty and the
 * v1 runs are in the archive: a read without --include-archive that finds no
 * run says how many the archive holds for the same question, and the flag.
 * Expected counts come from plain better-sqlite3 queries of the archive. (An
 * unreadable archive keeps the hint silent: damaged-archive.test.ts.)
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, makeTempDir, plainAll, removeDir, runCli, V1_18 } from './helpers.js';

let dir: string;
let db: string;
let archive: string;
const cli = (...args: string[]) => runCli(['--db', db, ...args], { cwd: dir });
const archived = (where: string) =>
  Number(plainAll(archive, `SELECT count(*) AS n FROM runs WHERE ${where}`)[0]?.n);

beforeAll(async () => {
  dir = makeTempDir('archive-hint');
  db = copyFixture(V1_18, path.join(dir, 'metadata'));
  archive = path.join(dir, 'metadata', 'runs_v1_archive.db');
  const migrated = await cli('migrate', '--yes');
  expect(migrated.code, migrated.stderr).toBe(0);
});
afterAll(() => removeDir(dir));

const hint = (n: number) =>
  `${n} run(s) that this reads are in the v1 archive (runs_v1_archive.db): add --include-archive to read them too`;

describe('an empty answer names the runs the v1 archive holds', () => {
  it('runs list, runs count, report and export say how many, on stderr', async () => {
    const all = archived('1 = 1');
    expect(all).toBeGreaterThan(0);
    for (const args of [
      ['runs', 'list'],
      ['--json', 'runs', 'list'],
      ['runs', 'count'],
      ['report'],
      ['export', '--format', 'csv'],
    ]) {
      const result = await cli(...args);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr, args.join(' ')).toContain(hint(all));
      expect(result.stdout, args.join(' ')).not.toContain('archive');
    }
  });

  it('counts what the same filter selects in the archive', async () => {
    const failed = archived("lower(trim(status)) = 'failed'");
    expect(failed).toBeGreaterThan(0);
    const result = await cli('runs', 'count', '--status', 'failed');
    expect(result.stdout.trim()).toBe('0');
    expect(result.stderr).toContain(hint(failed));
  });

  it('says nothing for --limit 0', async () => {
    const none = await cli('runs', 'list', '--limit', '0', '--format', 'jsonl');
    expect(none.code, none.stderr).toBe(0);
    expect(none.stderr).not.toContain('archive');
  });

  it('says nothing when the archive has none either, or is read already', async () => {
    const none = await cli('runs', 'count', '--where', "run_id = 'no such run'");
    expect(none.stdout.trim()).toBe('0');
    expect(none.stderr).toBe('');
    const both = await cli('runs', 'list', '--include-archive', '--format', 'jsonl');
    expect(both.code, both.stderr).toBe(0);
    expect(both.stdout.trim().split('\n')).toHaveLength(archived('1 = 1'));
    expect(both.stderr).not.toContain('--include-archive');
  });
});
