/**
 * The cross-process migration lock of a database file.
 *
 * The lock itself is a SQLite write lock (`BEGIN IMMEDIATE`) on a small side
 * file, `<db>.runmeta-lock`. SQLite takes it with POSIX advisory locks, which the
 * kernel releases when the holding process dies — so a lock left by a killed
 * process can never block anyone: the next process simply acquires it. Who holds
 * it (pid, host, since when) is written to `<db>.runmeta-lock.json` for messages;
 * a note left by a dead holder is reported as a recovered stale lock.
 *
 * The holder deletes both files when it releases the lock, so no working file
 * stays beside the database. It deletes them while still holding the lock: a
 * process that was waiting on the old file then acquires a file that is no longer
 * at the path, sees that, and tries again with the file now there. That check
 * compares the path's identity (device, inode, creation and change times) before
 * opening and after locking; the lock file is never written, so its identity only
 * changes when it is replaced.
 *
 * Both files are runmeta's own, beside a database that may be hostile: neither is
 * ever opened through a link or read from a pipe (see `node-sqlite-files.ts`); anything but a
 * regular file at their paths is refused, naming it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DatabaseLockedError,
  InterruptedError,
  NotADatabaseError,
  RunmetaError,
} from '@runmeta/core';
import {
  classifySqliteError,
  fileSystemError,
  LOCK_NOTE_SUFFIX,
  LOCK_SUFFIX,
  type LockHolderNote,
} from '@runmeta/core/adapter';
import BetterSqlite3 from 'better-sqlite3';
import { openOwnFile, readOwnFile, writeAll } from './node-sqlite-files.js';

/** Who holds (or held) a migration lock. */
export interface LockHolder {
  pid: number;
  hostname: string;
  since: string;
}

/** Options for {@link acquireMigrationLock}. */
export interface LockOptions {
  /** Give up after this long, naming the holder. */
  timeoutMs: number;
  /** How the database is named in messages. */
  describe: string;
  /** Called when a note of a holder that is gone was found (a stale lock, recovered). */
  onStaleLock?: (holder: LockHolder) => void;
  /** Stop waiting once aborted, with an `InterruptedError`. */
  signal?: AbortSignal;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function readHolder(file: string): LockHolder | null {
  try {
    const holder = JSON.parse(readOwnFile(file) ?? 'null') as LockHolder | null;
    return typeof holder?.pid === 'number' ? holder : null;
  } catch {
    return null;
  }
}

/** What identifies the regular file at a path; null when there is none (or a link is there). */
function identity(file: string): string | null {
  const stat = fs.lstatSync(file, { bigint: true, throwIfNoEntry: false });
  return stat?.isFile() ? `${stat.dev}:${stat.ino}:${stat.birthtimeNs}:${stat.ctimeNs}` : null;
}

/** What to do about a lock file runmeta did not make. */
const FOREIGN_LOCK_HINT =
  "Remove it: it is runmeta's own working file, safe to delete while no runmeta process uses the database; then retry";

/** An error of SQLite on the lock file, naming the lock file (not the database). */
function lockFileError(error: unknown, lockFile: string): unknown {
  if (error instanceof RunmetaError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new NotADatabaseError(
      lockFile,
      'is not a migration lock file runmeta made (it holds other data)',
      { cause: error, hint: FOREIGN_LOCK_HINT },
    );
  }
  return classifySqliteError(error, lockFile);
}

/**
 * Wait for SQLite's write lock on `client` (opened on `lockFile` when its
 * identity was `opened`) until `deadline`. Resolves to false when the file was
 * deleted or replaced meanwhile (the caller then tries the file now at the path);
 * throws the typed error naming the holder when the deadline passes.
 */
async function waitForWriteLock(
  client: BetterSqlite3.Database,
  lockFile: string,
  opened: string | null,
  deadline: number,
  options: LockOptions,
): Promise<boolean> {
  for (;;) {
    try {
      client.exec('BEGIN IMMEDIATE');
      return opened !== null && identity(lockFile) === opened;
    } catch (error) {
      // SQLite can report an I/O error on a file deleted under it.
      if (opened === null || identity(lockFile) !== opened) return false;
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
      if (options.signal?.aborted) {
        throw new InterruptedError(
          `interrupted while waiting for another process's migration lock; ${options.describe} unchanged by this process`,
          options.signal.reason,
        );
      }
      if (Date.now() >= deadline) {
        const holder = readHolder(`${lockFile}.json`);
        throw new DatabaseLockedError(
          options.describe,
          holder
            ? `a migration by pid ${holder.pid} on ${holder.hostname} has held its lock since ${holder.since} (waited ${options.timeoutMs} ms)`
            : `another process holds its migration lock (waited ${options.timeoutMs} ms)`,
        );
      }
      await sleep(20 + Math.random() * 30);
    }
  }
}

/** Whether a process with this pid runs on this host. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The note of whoever holds (or, if it was killed, last held) the lock of
 * `databasePath`, and whether that process still runs (null: another host).
 */
export function readLockHolder(databasePath: string): LockHolderNote | null {
  const holder = readHolder(`${databasePath}${LOCK_NOTE_SUFFIX}`);
  if (!holder) return null;
  return {
    ...holder,
    running: holder.hostname === os.hostname() ? isRunning(holder.pid) : null,
  };
}

/** Take the migration lock of `databasePath`; resolves to its release function. */
export async function acquireMigrationLock(
  databasePath: string,
  options: LockOptions,
): Promise<() => Promise<void>> {
  const lockFile = `${databasePath}${LOCK_SUFFIX}`;
  const noteFile = `${databasePath}${LOCK_NOTE_SUFFIX}`;
  const folder = path.resolve(path.dirname(databasePath));
  try {
    fs.accessSync(folder, fs.constants.W_OK);
  } catch (error) {
    // A migration (or repair) creates its lock and the new database beside the file.
    throw fileSystemError(
      error,
      `cannot migrate ${options.describe}: cannot write in its folder`,
      folder,
    );
  }
  const deadline = Date.now() + options.timeoutMs;
  let client: BetterSqlite3.Database;
  for (;;) {
    // Created if missing, never truncated (another process may hold it), never a link.
    fs.closeSync(openOwnFile(lockFile, 'keep', 'cannot use the migration lock file'));
    const before = identity(lockFile);
    try {
      client = new BetterSqlite3(lockFile);
    } catch (error) {
      throw lockFileError(error, lockFile);
    }
    // Polling with our own deadline (instead of a busy timeout) keeps the event loop free.
    client.pragma('busy_timeout = 0');
    let held: boolean;
    try {
      held = await waitForWriteLock(client, lockFile, before, deadline, options);
    } catch (error) {
      client.close();
      throw lockFileError(error, lockFile);
    }
    if (held) break;
    // The holder we waited for released and deleted this file: the lock now lives
    // in whatever file is at the path.
    if (client.inTransaction) client.exec('ROLLBACK');
    client.close();
  }
  const previous = readHolder(noteFile);
  if (previous) options.onStaleLock?.(previous);
  const holder: LockHolder = {
    pid: process.pid,
    hostname: os.hostname(),
    since: new Date().toISOString(),
  };
  try {
    const fd = openOwnFile(noteFile, 'replace', 'cannot write the lock note');
    try {
      writeAll(fd, JSON.stringify(holder));
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    // Still holding the lock: the lock file made for it goes too (see above).
    fs.rmSync(lockFile, { force: true });
    client.exec('ROLLBACK');
    client.close();
    throw fileSystemError(error, 'cannot write the lock note', noteFile);
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    // Both files go while the lock is still held (see the module comment).
    fs.rmSync(noteFile, { force: true });
    try {
      fs.rmSync(lockFile, { force: true });
    } catch {
      // A file system that refuses to delete an open file: leaving it is harmless.
    }
    client.exec('ROLLBACK');
    client.close();
  };
}
