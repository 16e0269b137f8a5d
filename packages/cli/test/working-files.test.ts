/**
 * No command leaves working files behind: lock files, `.importing` / `.v2-building`
 * asides, restoring copies. Each test lists the folder before and after a real
 * `runmeta` process, on success and on failure (a failure also leaves every file
 * byte-identical).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyFixture,
  makeTempDir,
  plainRun,
  removeDir,
  runCli,
  snapshotDir,
  V1_18,
  V1_20,
  V2_32,
} from './helpers.js';

let root: string;
let count = 0;
beforeAll(() => {
  root = makeTempDir('working-files');
});
afterAll(() => removeDir(root));

/** A fresh, empty folder under the test's root. */
function folder(): string {
  const dir = path.join(root, `case-${count++}`);
  fs.mkdirSync(dir);
  return dir;
}

const names = (dir: string) => fs.readdirSync(dir).sort();

describe('import leaves no lock or working file', () => {
  it('after a successful import: only the database and its archive are new', async () => {
    const source = copyFixture(V1_20, folder());
    const sourceBefore = snapshotDir(path.dirname(source));
    const target = folder();
    const result = await runCli(
      ['import', '--from', source, '--to', path.join(target, 'runs.db')],
      {
        cwd: root,
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(names(target)).toEqual(['runs.db', 'runs_v1_archive.db']);
    expect(snapshotDir(path.dirname(source))).toEqual(sourceBefore);
  });

  it('after a failed import (target exists): every file byte-identical, nothing added', async () => {
    const source = copyFixture(V1_20, folder());
    const target = folder();
    copyFixture(V1_18, target);
    const sourceBefore = snapshotDir(path.dirname(source));
    const before = snapshotDir(target);
    const result = await runCli(
      ['import', '--from', source, '--to', path.join(target, 'runs.db')],
      {
        cwd: root,
      },
    );
    expect(result.code).toBe(3);
    expect(snapshotDir(target)).toEqual(before);
    expect(snapshotDir(path.dirname(source))).toEqual(sourceBefore);
  });

  it('after a failed import (source newer than runmeta): nothing added to the target', async () => {
    const source = copyFixture(V2_32, folder());
    plainRun(source, "UPDATE runs SET schema_version = '3.0'");
    const sourceBefore = snapshotDir(path.dirname(source));
    const target = folder();
    const result = await runCli(
      ['import', '--from', source, '--to', path.join(target, 'runs.db')],
      {
        cwd: root,
      },
    );
    expect(result.code).toBe(3);
    expect(names(target)).toEqual([]);
    expect(snapshotDir(path.dirname(source))).toEqual(sourceBefore);
  });
});

describe('other commands leave no working file either', () => {
  it('migrate (archive and carry-over): only runs.db and the archive remain', async () => {
    for (const strategy of ['archive', 'carry-over']) {
      const dir = folder();
      const db = copyFixture(V1_20, dir);
      const result = await runCli(['--db', db, 'migrate', '--strategy', strategy, '--yes'], {
        cwd: root,
      });
      expect(result.code, result.stderr).toBe(0);
      expect(names(dir), strategy).toEqual(['runs.db', 'runs_v1_archive.db']);
    }
  });

  it('repair of the 32-column v2 file: only runs.db remains', async () => {
    const dir = folder();
    const db = copyFixture(V2_32, dir);
    const result = await runCli(['--db', db, 'migrate', '--yes'], { cwd: root });
    expect(result.code, result.stderr).toBe(0);
    expect(names(dir)).toEqual(['runs.db']);
  });

  it('a write command that migrates first (start): only runs.db and the archive remain', async () => {
    const dir = folder();
    const db = copyFixture(V1_18, dir);
    const result = await runCli(['--db', db, 'start', '--template', 't', '--mode', 'forward'], {
      cwd: root,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(names(dir)).toEqual(['runs.db', 'runs_v1_archive.db']);
  });

  it('rollback: only runs.db and the v2 backup remain; a refused rollback changes nothing', async () => {
    const dir = folder();
    const db = copyFixture(V1_18, dir);
    expect((await runCli(['--db', db, 'migrate', '--yes'], { cwd: root })).code).toBe(0);
    const rolled = await runCli(['--db', db, 'rollback', '--yes'], { cwd: root });
    expect(rolled.code, rolled.stderr).toBe(0);
    expect(names(dir)).toEqual(['runs.db', 'runs_v2_backup.db']);
    // Nothing to roll back now (runs.db is v1 again, no archive): refused, unchanged.
    const before = snapshotDir(dir);
    const refused = await runCli(['--db', db, 'rollback', '--yes'], { cwd: root });
    expect(refused.code).toBe(3);
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('export --out (success and failure): only the output file is new', async () => {
    const dir = folder();
    const db = copyFixture(V1_18, dir);
    expect((await runCli(['--db', db, 'migrate', '--yes'], { cwd: root })).code).toBe(0);
    const before = names(dir);
    const out = path.join(dir, 'runs.jsonl');
    const ok = await runCli(['--db', db, 'export', '--out', out], { cwd: root });
    expect(ok.code, ok.stderr).toBe(0);
    expect(names(dir)).toEqual([...before, 'runs.jsonl'].sort());
    const snapshot = snapshotDir(dir);
    const refused = await runCli(['--db', db, 'export', '--out', out], { cwd: root });
    expect(refused.code).toBe(2);
    expect(snapshotDir(dir)).toEqual(snapshot);
  });

  it('a refused open (newer schema) and a refused migrate change nothing', async () => {
    const dir = folder();
    const db = copyFixture(V2_32, dir);
    plainRun(db, "UPDATE runs SET schema_version = '3.0'");
    const before = snapshotDir(dir);
    for (const args of [
      ['start', '--template', 't', '--mode', 'forward'],
      ['migrate', '--yes'],
      ['rollback', '--yes'],
    ]) {
      const result = await runCli(['--db', db, ...args], { cwd: root });
      expect(result.code, args.join(' ')).toBe(3);
      expect(snapshotDir(dir), args.join(' ')).toEqual(before);
    }
  });
});
