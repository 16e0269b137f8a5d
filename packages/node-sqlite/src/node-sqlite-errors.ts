/**
 * SQLite's vaguest errors on a file, explained: "unable to open database file" by
 * the system's reason, "disk I/O error" on a full disk as a full disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileSystemError, type SqlConnection, systemErrorCode } from '@runmeta/core/adapter';
import { fullDiskError } from './node-sqlite-files.js';

/**
 * Why SQLite could not open a file, in the system's words: SQLite itself only
 * says "unable to open database file". Null when the file system sees no problem
 * (or the file is simply missing for a read, which the caller reports itself).
 */
function whyCannotOpen(file: string, readOnly: boolean): unknown {
  // SQLite opens the side files too: an unreadable -wal fails the open as well.
  for (const suffix of ['-wal', '-shm']) {
    try {
      fs.closeSync(fs.openSync(`${file}${suffix}`, 'r'));
    } catch (error) {
      if (systemErrorCode(error) !== 'ENOENT')
        return fileSystemError(error, 'cannot open', `${file}${suffix}`);
    }
  }
  try {
    fs.closeSync(fs.openSync(file, 'r'));
    return null;
  } catch (error) {
    const code = systemErrorCode(error);
    if (code !== 'ENOENT') return fileSystemError(error, 'cannot open', file);
    if (readOnly) return null;
  }
  // A new database: its folder must take new files.
  const folder = path.resolve(path.dirname(file));
  try {
    fs.accessSync(folder, fs.constants.W_OK | fs.constants.X_OK);
    return null;
  } catch (error) {
    return fileSystemError(error, 'cannot create files in the folder', folder);
  }
}

/** An error of SQLite on `file`, explained where SQLite is vague (see {@link explainingErrors}). */
export function explainError(error: unknown, file: string, readOnly: boolean): unknown {
  return (
    ((error as { code?: unknown } | null)?.code === 'SQLITE_CANTOPEN' &&
      whyCannotOpen(file, readOnly)) ||
    fullDiskError(error, file)
  );
}

/**
 * The connection, with SQLite's vaguest errors explained: "unable to open database
 * file" (SQLite opens the -wal file only at the first read) by the system's reason,
 * "disk I/O error" on a full disk as a full disk.
 */
export function explainingErrors<T extends SqlConnection>(
  connection: T,
  file: string,
  readOnly: boolean,
): T {
  const wrap =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (error) {
        throw explainError(error, file, readOnly);
      }
    };
  connection.run = wrap(connection.run.bind(connection));
  connection.all = wrap(connection.all.bind(connection));
  if (connection.runMany) connection.runMany = wrap(connection.runMany.bind(connection));
  if (connection.values) connection.values = wrap(connection.values.bind(connection));
  return connection;
}
