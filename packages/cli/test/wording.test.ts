/**
 * Errors in the words of the CLI: hints name flags
 * and commands, never SDK methods or options (`getAllRuns()`, `readOnly: true`);
 * a read is not told that "nothing was written"; a run that is only in the v1
 * archive is said to be there; a newer file is "newer", not "missing" anything.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyFixture,
  lines,
  makeTempDir,
  plainAll,
  plainRun,
  removeDir,
  runCli,
  snapshotDir,
  V1_18,
  V2_32,
} from './helpers.js';

/** SDK words: method calls and option assignments. */
const SDK_WORDS = /\w\(\)|\b(readOnly|includeArchive|autoMigrate|maxBytes|replace): true/;

let dir: string;
/** V1_18 migrated (archive strategy): an empty v2 runs.db and runs_v1_archive.db. */
let migrated: string;
let archivedRunId: string;
/** V2_32 with one run at schema_version 3.0. */
let newer: string;

beforeAll(async () => {
  dir = makeTempDir('wording');
  migrated = copyFixture(V1_18, path.join(dir, 'migrated'));
  archivedRunId = String(plainAll(migrated, 'SELECT run_id FROM runs LIMIT 1')[0]!.run_id);
  const result = await runCli(['--db', migrated, 'migrate', '--yes'], { cwd: dir });
  expect(result.code, result.stderr).toBe(0);
  newer = copyFixture(V2_32, path.join(dir, 'newer'));
  plainRun(
    newer,
    "UPDATE runs SET schema_version = '3.0' WHERE rowid = (SELECT min(rowid) FROM runs)",
  );
});
afterAll(() => removeDir(dir));

const cli = (...args: string[]) => runCli(args, { cwd: dir });

function expectCliWords(stderr: string): void {
  expect(lines(stderr)).toHaveLength(1);
  expect(stderr).not.toMatch(SDK_WORDS);
}

describe('hints name CLI flags and commands', () => {
  it('an unknown run: `runmeta runs list --include-archive`, not getAllRuns()', async () => {
    const result = await cli('--db', migrated, 'runs', 'show', 'run_nope');
    expect(result.code).toBe(2);
    expectCliWords(result.stderr);
    expect(result.stderr).toContain('runmeta runs list --include-archive');
  });

  it('a write to a newer file: upgrade runmeta, reading still works; no readOnly: true', async () => {
    const before = snapshotDir(path.dirname(newer));
    const result = await cli('--db', newer, 'start', '--template', 't', '--mode', 'forward');
    expect(result.code).toBe(3);
    expectCliWords(result.stderr);
    expect(result.stderr).toContain('Upgrade runmeta');
    expect(snapshotDir(path.dirname(newer))).toEqual(before);
  });

  it('a bad read filter is not told that "nothing was written"', async () => {
    const result = await cli('--db', migrated, 'runs', 'list', '--since', 'yesterday-ish');
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('nothing was written');
    expectCliWords(result.stderr);
  });

  it('no database at the path: how to name one, and how to make one', async () => {
    const empty = path.join(dir, 'empty-folder');
    (await import('node:fs')).mkdirSync(empty, { recursive: true });
    const result = await cli('--db', path.join(empty, 'metadata', 'runs.db'), 'status');
    expect(result.code).toBe(3);
    expectCliWords(result.stderr);
    expect(result.stderr).toContain('runs.db does not exist');
    expect(result.stderr).toContain('--db <path>');
    expect(result.stderr).toContain('runmeta demo');
    expect(result.stderr).not.toContain('such as metadata/runs.db');
    expect((await import('node:fs')).readdirSync(empty)).toEqual([]);
  });

  it('a file that is not a database: Check --db, and no postgres:// advice', async () => {
    const junk = path.join(dir, 'junk.db');
    (await import('node:fs')).writeFileSync(junk, 'definitely not sqlite '.repeat(100));
    const result = await cli('--db', junk, 'status');
    expect(result.code).toBe(3);
    expectCliWords(result.stderr);
    expect(result.stderr).toContain('--db');
    expect(result.stderr).not.toContain('postgres');
  });
});

describe('a run that is only in the v1 archive', () => {
  it('a write to it says it is in the archive and archived runs are read-only (exit 2)', async () => {
    const before = snapshotDir(path.dirname(migrated));
    const result = await cli('--db', migrated, 'record', 'mechanism', archivedRunId, 'M1', 'f');
    expect(result.code).toBe(2);
    expectCliWords(result.stderr);
    expect(result.stderr).toContain('runs_v1_archive.db');
    expect(result.stderr).toContain('read-only');
    expect(snapshotDir(path.dirname(migrated))).toEqual(before);
  });

  it('runs show finds it (the CLI reads the archive by default)', async () => {
    const result = await cli('--db', migrated, '--json', 'runs', 'show', archivedRunId);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).run.runId).toBe(archivedRunId);
  });
});

describe('status on a newer-schema file', () => {
  it('says it is newer and unchanged, and lists nothing as missing', async () => {
    const result = await cli('--db', newer, 'status');
    expect(result.code).toBe(4);
    expect(result.stdout).toMatch(/State\s+newer than this runmeta \(schema 3\.0\)/);
    expect(result.stdout).not.toMatch(/missing/i);
    const json = JSON.parse((await cli('--db', newer, '--json', 'status')).stdout);
    expect(json.kind).toBe('newer');
    expect(json.drift).toEqual({
      missingColumns: [],
      missingTables: [],
      missingIndexes: [],
      additionalColumns: [],
    });
  });
});
