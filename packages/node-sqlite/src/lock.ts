/**
 * The cross-process migration lock of a database file.
 *
 * The lock itself is a SQLite write lock (`BEGIN IMMEDIATE`) on a small side
 * file, `<db>.runmeta-lock`. SQLite takes it with POSIX advisory locks, which the
 * kernel releases when the holding process dies — so a lock left by a killed
 * process can never block anyone: the next process simply acquires it. Who holds
 * it (pid, host, since when) is written to `<db>.runmeta-lock.json` for messages;
 * a note left by a dead holder is reported as a recovered stale lock.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseLockedError, fileSystemError } from '@runmeta/core';
import BetterSqlite3 from 'better-sqlite3';
import { LOCK_SUFFIX, onPath } from './containers.js';

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
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function readHolder(file: string): LockHolder | null {
  try {
    const holder = JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
    return typeof holder.pid === 'number' ? holder : null;
  } catch {
    return null;
  }
}

/** Take the migration lock of `databasePath`; resolves to its release function. */
export async function acquireMigrationLock(
  databasePath: string,
  options: LockOptions,
): Promise<() => Promise<void>> {
  const lockFile = `${databasePath}${LOCK_SUFFIX}`;
  const noteFile = `${lockFile}.json`;
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
  const client = new BetterSqlite3(lockFile);
  // Polling with our own deadline (instead of a busy timeout) keeps the event loop free.
  client.pragma('busy_timeout = 0');
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    try {
      client.exec('BEGIN IMMEDIATE');
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') {
        client.close();
        throw error;
      }
      if (Date.now() >= deadline) {
        client.close();
        const holder = readHolder(noteFile);
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
  const previous = readHolder(noteFile);
  if (previous) options.onStaleLock?.(previous);
  const holder: LockHolder = {
    pid: process.pid,
    hostname: os.hostname(),
    since: new Date().toISOString(),
  };
  try {
    onPath('cannot write', noteFile, () => fs.writeFileSync(noteFile, JSON.stringify(holder)));
  } catch (error) {
    client.exec('ROLLBACK');
    client.close();
    throw error;
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    // The note goes first: once the lock is free, the next holder writes its own.
    fs.rmSync(noteFile, { force: true });
    client.exec('ROLLBACK');
    client.close();
  };
}
