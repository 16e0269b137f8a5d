/**
 * Paths the system refuses: every place the CLI
 * touches the file system — export --out, demo --dir, --db, import — turns a
 * system error (EACCES, ENOTDIR, EISDIR, ENOSPC...) into one line that names the
 * path and the system's reason, with exit 2 (a path the user chose for output)
 * or 3 (the database's own location), never "internal error".
 *
 * The tests run as root, which ignores permission bits. Two kinds of failure
 * therefore stand in for "cannot write": a path through a regular file (ENOTDIR,
 * refused even to root), and a real permission problem for the unprivileged
 * `nobody` user, as whom those children run (spawned with its uid and gid).
 * A full disk is stood in for by a file size limit (`prlimit --fsize`, EFBIG): the
 * export's partial file is never opened through a link, so `/dev/full` behind it
 * is refused as a link (see hostile-files.test.ts), and mounting a small file
 * system needs rights CI may not have.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyFixture,
  expectOneErrorLine,
  makeTempDir,
  NOBODY,
  removeDir,
  runCli,
  sha256,
  snapshotDir,
  V2_32,
} from './helpers.js';

let dir: string;
/** A migrated-free v2 database (the 32-column deployed file, read-only use). */
let db: string;
/** A regular file: any path through it fails with ENOTDIR, even for root. */
let aFile: string;
/** A folder nobody may enter but not write to (root-owned, 0755). */
let locked: string;

beforeAll(() => {
  dir = makeTempDir('user-paths');
  // mkdtemp makes 0700 folders: nobody must be able to traverse this one.
  fs.chmodSync(dir, 0o755);
  db = copyFixture(V2_32, path.join(dir, 'db'));
  fs.chmodSync(path.dirname(db), 0o755);
  aFile = path.join(dir, 'a-file');
  fs.writeFileSync(aFile, 'not a folder\n');
  locked = path.join(dir, 'locked');
  fs.mkdirSync(locked, { mode: 0o755 });
});
afterAll(() => removeDir(dir));

/** One line on stderr, nothing on stdout, no stack, the exit code, no "internal error". */

describe('export --out', () => {
  it('into a folder the user cannot write (as nobody): exit 2, the path and the reason, no file left', async () => {
    const target = path.join(locked, 'runs.jsonl');
    const result = await runCli(['--db', db, 'export', '--out', target], {
      cwd: dir,
      user: NOBODY,
    });
    expectOneErrorLine(result, 2);
    expect(result.stderr).toContain('--out');
    expect(result.stderr).toContain(target);
    expect(result.stderr).toContain('permission denied');
    expect(fs.readdirSync(locked)).toEqual([]);
  });

  it('through a regular file (ENOTDIR): exit 2 naming the path', async () => {
    const target = path.join(aFile, 'runs.jsonl');
    const result = await runCli(['--db', db, 'export', '--out', target], { cwd: dir });
    expectOneErrorLine(result, 2);
    expect(result.stderr).toContain(target);
    expect(result.stderr).toContain('not a folder');
  });

  it('onto a folder (EISDIR): exit 2, says it is a folder, and no --force advice (force cannot help)', async () => {
    const result = await runCli(['--db', db, 'export', '--out', locked, '--force'], { cwd: dir });
    expectOneErrorLine(result, 2);
    expect(result.stderr).toContain(locked);
    expect(result.stderr).toContain('is a folder');
    expect(result.stderr).not.toContain('--force');
  });

  it('past the file size limit (EFBIG, as on a full disk): exit 2, the reason, and no partial file left', async () => {
    const folder = path.join(dir, 'full');
    fs.mkdirSync(folder);
    const target = path.join(folder, 'runs.jsonl');
    // 110 runs as JSON lines are far more than 4 KiB.
    const result = await runCli(['--db', db, 'export', '--out', target], {
      cwd: dir,
      fileSizeLimitBytes: 4096,
    });
    expectOneErrorLine(result, 2);
    expect(result.stderr).toContain(target);
    expect(result.stderr).toContain('file size limit');
    expect(fs.readdirSync(folder)).toEqual([]);
  });
});

describe('the database location', () => {
  it('start where metadata/ cannot be created (as nobody): exit 3, says the folder cannot be created and why', async () => {
    const result = await runCli(['start', '--template', 't', '--mode', 'forward'], {
      cwd: locked,
      env: { RUNMETA_DB: undefined },
      user: NOBODY,
    });
    expectOneErrorLine(result, 3);
    expect(result.stderr).toContain('cannot create the folder');
    expect(result.stderr).toContain(path.join(locked, 'metadata'));
    expect(result.stderr).toContain('permission denied');
    expect(result.stderr).not.toMatch(/readOnly|read-only/);
    expect(fs.readdirSync(locked)).toEqual([]);
  });

  it('start with a --db under a regular file (ENOTDIR): exit 3, the folder and the reason', async () => {
    const target = path.join(aFile, 'metadata', 'runs.db');
    const result = await runCli(['--db', target, 'start', '--template', 't', '--mode', 'forward'], {
      cwd: dir,
    });
    expectOneErrorLine(result, 3);
    expect(result.stderr).toContain('cannot create the folder');
    expect(result.stderr).toContain('not a folder');
    expect(result.stderr).not.toMatch(/readOnly/);
  });

  it('start with a --db under /proc (where a recursive mkdir never returns): exit 3, promptly', async () => {
    const target = '/proc/runmeta-no-such-folder/metadata/runs.db';
    const result = await runCli(['--db', target, 'start', '--template', 't', '--mode', 'forward'], {
      cwd: dir,
      timeoutMs: 30_000,
    });
    expectOneErrorLine(result, 3);
    expect(result.stderr).toContain('cannot create the folder /proc/runmeta-no-such-folder');
  });

  it.for([
    ['runs list', ['runs', 'list']],
    ['status', ['status']],
    ['export', ['export']],
  ] as const)(
    'reading a --db under a regular file (ENOTDIR): %s exits 3 naming the path',
    async ([, args]) => {
      const target = path.join(aFile, 'runs.db');
      const result = await runCli(['--db', target, ...args], { cwd: dir });
      expectOneErrorLine(result, 3);
      expect(result.stderr).toContain(aFile);
    },
  );

  it('reading a --db in a folder the user cannot read (as nobody): exit 3, permission denied', async () => {
    const closed = path.join(dir, 'closed');
    copyFixture(V2_32, closed);
    fs.chmodSync(closed, 0o700);
    const result = await runCli(['--db', path.join(closed, 'runs.db'), 'runs', 'list'], {
      cwd: dir,
      user: NOBODY,
    });
    expectOneErrorLine(result, 3);
    expect(result.stderr).toContain(closed);
    expect(result.stderr).toContain('permission denied');
  });

  it('a --db that is a directory: exit 3, a CLI hint (--db) without SDK or server words', async () => {
    const folder = path.join(dir, 'folder.db');
    fs.mkdirSync(folder);
    for (const args of [
      ['runs', 'list'],
      ['start', '--template', 't', '--mode', 'forward'],
    ]) {
      const result = await runCli(['--db', folder, ...args], { cwd: dir });
      expectOneErrorLine(result, 3);
      expect(result.stderr).toContain('is a directory');
      expect(result.stderr).toContain('--db');
      expect(result.stderr).not.toMatch(/postgres:\/\/|readOnly/);
    }
    expect(fs.readdirSync(folder)).toEqual([]);
  });

  it('a write to a v2 file whose folder the user cannot write (as nobody): exit 3, no SDK words', async () => {
    const folder = path.join(dir, 'readonly-folder');
    const file = copyFixture(V2_32, folder);
    fs.chownSync(file, NOBODY.uid, NOBODY.gid);
    fs.chmodSync(folder, 0o555);
    const before = snapshotDir(folder);
    const result = await runCli(['--db', file, 'start', '--template', 't', '--mode', 'forward'], {
      cwd: dir,
      user: NOBODY,
    });
    expectOneErrorLine(result, 3);
    expect(result.stderr).toContain(folder);
    expect(result.stderr).not.toMatch(/readOnly/);
    expect(snapshotDir(folder)).toEqual(before);
  });
});

describe('demo --dir', () => {
  it('under a regular file (ENOTDIR): exit 2 naming --dir and the path', async () => {
    const target = path.join(aFile, 'demo');
    const result = await runCli(['demo', '--dir', target, '--runs', '10'], { cwd: dir });
    expectOneErrorLine(result, 2);
    expect(result.stderr).toContain('--dir');
    expect(result.stderr).toContain(aFile);
  });

  it('under /proc (where a recursive mkdir never returns): exit 2, promptly', async () => {
    const result = await runCli(['demo', '--dir', '/proc/runmeta-no-such-demo', '--runs', '10'], {
      cwd: dir,
      timeoutMs: 30_000,
    });
    expectOneErrorLine(result, 2);
    expect(result.stderr).toContain('/proc/runmeta-no-such-demo');
  });

  it('in a folder the user cannot write (as nobody): exit 2, permission denied, nothing made', async () => {
    const result = await runCli(['demo', '--dir', path.join(locked, 'demo'), '--runs', '10'], {
      cwd: dir,
      user: NOBODY,
    });
    expectOneErrorLine(result, 2);
    expect(result.stderr).toContain('--dir');
    expect(result.stderr).toContain('permission denied');
    expect(fs.readdirSync(locked)).toEqual([]);
  });
});

describe('import', () => {
  it('--from a file the user cannot read (as nobody): exit 3 naming the file and the reason', async () => {
    const folder = path.join(dir, 'secret');
    const source = copyFixture(V2_32, folder);
    fs.chmodSync(folder, 0o755);
    fs.chmodSync(source, 0o600);
    const target = path.join(dir, 'import-target', 'runs.db');
    fs.mkdirSync(path.dirname(target), { mode: 0o777 });
    fs.chmodSync(path.dirname(target), 0o777);
    const before = sha256(source);
    const result = await runCli(['import', '--from', source, '--to', target], {
      cwd: dir,
      user: NOBODY,
    });
    expectOneErrorLine(result, 3);
    expect(result.stderr).toContain(source);
    expect(result.stderr).toContain('permission denied');
    expect(sha256(source)).toBe(before);
    // Lock files are another matter (tested with the lock).
    expect(
      fs.readdirSync(path.dirname(target)).filter((name) => !name.includes('.runmeta-lock')),
    ).toEqual([]);
  });

  it('--to under a regular file (ENOTDIR): exit 3 naming the path', async () => {
    const result = await runCli(
      ['import', '--from', db, '--to', path.join(aFile, 'metadata', 'runs.db')],
      { cwd: dir },
    );
    expectOneErrorLine(result, 3);
    expect(result.stderr).toContain(aFile);
  });
});
