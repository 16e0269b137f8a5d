/**
 * Files runmeta cannot write: a read-only file, a read-only folder (both as an
 * unprivileged user, since root ignores permission bits), and a full disk. Each
 * must fail with a typed runmeta error and leave the v1 file byte-identical.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunmetaError } from '@runmeta/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openRunDatabase } from '../src/index.js';
import {
  copyFixture,
  makeTempDir,
  removeDir,
  sha256,
  startWorker,
  watch,
} from './process-helpers.js';

const FIXTURE = 'deployed-v1-20col-393runs.db';
const NOBODY = 65534;
const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * A typed refusal to write: read-only, a file-system refusal naming the system's
 * reason, or a failed migration that says why.
 */
function expectReadOnlyError(error: Record<string, unknown> | undefined): void {
  expect(error, 'the open must fail').toBeDefined();
  const { code, message } = error as { code: string; message: string };
  // Soft, so the checks of the file run even when the error is of the wrong kind.
  expect
    .soft(
      code === 'RUNMETA_READ_ONLY' ||
        (code === 'RUNMETA_FILE_SYSTEM' && /permission denied \(EACCES\)/.test(message)) ||
        (code === 'RUNMETA_MIGRATION_FAILED' && /read-only|readonly|permission/i.test(message)),
      `expected RUNMETA_READ_ONLY or RUNMETA_FILE_SYSTEM (or a read-only migration failure), got ${code}: ${message}`,
    )
    .toBe(true);
}

describe('permissions, as an unprivileged user', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) removeDir(dir);
    dir = undefined;
  });

  it('the suite runs as root, so it can drop to nobody', () => {
    expect(process.getuid?.()).toBe(0);
  });

  it.each([
    // nobody may read the file but write neither it nor the folder
    ['a read-only file', 0o755, 0],
    // nobody owns the file, but may not create anything in the folder
    ['a read-only folder', 0o555, NOBODY],
  ])('%s: the open is refused with a typed error', async (_name, folderMode, fileOwner) => {
    const folder = makeTempDir('perm');
    dir = folder;
    const file = copyFixture(FIXTURE, folder);
    fs.chmodSync(file, 0o644);
    fs.chownSync(file, fileOwner, fileOwner);
    // mkdtemp makes 0700 folders: nobody must at least be able to traverse this one.
    fs.chmodSync(folder, folderMode);
    const before = sha256(file);
    const filesBefore = fs.readdirSync(folder);
    const worker = startWorker(
      'open-db',
      { file, strategy: 'carry-over', lockTimeoutMs: 2000 },
      { uid: NOBODY, gid: NOBODY },
    );
    const exit = await worker.exit;
    const failed = worker.messages.find((m) => m.event === 'failed');
    expect(exit.code, `${exit.stdout}\n${exit.stderr}`).toBe(0);
    expect(worker.messages.find((m) => m.event === 'opened')).toBeUndefined();
    expectReadOnlyError(failed?.error as Record<string, unknown> | undefined);
    expect(sha256(file)).toBe(before);
    expect(fs.readdirSync(folder)).toEqual(filesBefore);
    // The worker printed the stack: where the untyped error came from, for the report.
    if (!String((failed?.error as { code?: unknown })?.code).startsWith('RUNMETA_')) {
      console.info(`${_name}:`, (failed?.error as { stack?: unknown })?.stack);
    }
  });
});

describe('a full disk', () => {
  let dir: string;
  /** How the disk is made full: a small tmpfs (needs mount rights), else `ulimit -f`. */
  let mode: 'tmpfs' | 'ulimit';
  let file: string;

  beforeAll(() => {
    dir = makeTempDir('nospace');
    // The fixture is 3.8 MB, so a 256k tmpfs could not even hold the copy: the
    // filesystem gets the fixture's size plus 1 MiB, enough for the lock files
    // but not for the carry-over database built beside it.
    const probe = path.join(dir, 'probe.db');
    copyFixture(FIXTURE, dir, 'probe.db');
    const sizeKiB = Math.ceil(fs.statSync(probe).size / 1024) + 1024;
    fs.rmSync(probe);
    fs.chmodSync(dir, 0o755);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k`, 'tmpfs', dir], {
        stdio: 'pipe',
      });
      mode = 'tmpfs';
    } catch {
      // No mount rights (an unprivileged container): the worker instead gets a
      // file-size limit of 1 MiB (`ulimit -f 1024`, in KiB), so writing the new
      // database fails with EFBIG once SIGXFSZ is ignored — the same "no room"
      // failure, for this one process. The fixture is copied before the limit.
      mode = 'ulimit';
    }
    file = copyFixture(FIXTURE, dir);
  });

  afterAll(() => {
    if (mode === 'tmpfs') execFileSync('umount', [dir]);
    removeDir(dir);
  });

  it('a carry-over out of space fails typed and leaves the v1 file as it was', async () => {
    const before = sha256(file);
    let error: Record<string, unknown> | undefined;
    if (mode === 'tmpfs') {
      error = await openRunDatabase(file, { migration: { strategy: 'carry-over' } }).then(
        async (manager) => {
          await manager.close();
          return undefined;
        },
        (e: RunmetaError) => ({ code: e.code, message: e.message }),
      );
    } else {
      const child = spawn(
        'bash',
        [
          '-c',
          'ulimit -f 1024; exec "$@"',
          'bash',
          process.execPath,
          '--conditions=@runmeta/source',
          '--import',
          'tsx',
          path.join(here, 'workers', 'open-db.ts'),
          JSON.stringify({ file, strategy: 'carry-over', ignoreFileSizeSignal: true }),
        ],
        { cwd: path.resolve(here, '..'), stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const worker = watch(child);
      const exit = await worker.exit;
      expect(exit.code, `${exit.stdout}\n${exit.stderr}`).toBe(0);
      error = worker.messages.find((m) => m.event === 'failed')?.error as typeof error;
    }
    expect(error, `the open must fail (${mode})`).toBeDefined();
    expect(String(error?.code), String(error?.message)).toMatch(/^RUNMETA_/);
    // SQLite reports ENOSPC as "disk is full"; an EFBIG write (ulimit) is a plain I/O error.
    expect(String(error?.message)).toMatch(
      mode === 'tmpfs' ? /disk is full/ : /disk is full|disk I\/O error/,
    );
    console.info(`full disk (${mode}):`, error?.code, error?.message);
    expect(sha256(file)).toBe(before);
    const left = fs.readdirSync(dir).filter((name) => !name.includes('.runmeta-lock'));
    expect(left, mode).toEqual(['runs.db']);
  });
});
