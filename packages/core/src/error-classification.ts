/**
 * Errors from outside runmeta, classified: system errors of the file system
 * (EACCES, ENOTDIR, ENOSPC…) and errors of the SQLite engines, turned into the
 * typed errors of `errors.ts` so every backend fails the same way.
 *
 * @packageDocumentation
 */
import {
  DatabaseLockedError,
  NotADatabaseError,
  ReadOnlyError,
  RunmetaError,
  type RunmetaErrorOptions,
  StorageError,
  ValidationError,
} from './errors.js';

/**
 * What the operating system's error codes mean, in words. Node reports them as
 * `error.code`; this table is what every interface shows instead of the bare code.
 */
export const SYSTEM_ERROR_REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file is larger than allowed (file size limit)',
  EROFS: 'the file system is read-only',
  EEXIST: 'it already exists',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
  EBUSY: 'it is busy',
  EIO: 'an input/output error of the device',
};

/** What to do about each kind of system error (interface-neutral). */
const SYSTEM_ERROR_HINTS: Readonly<Record<string, string>> = {
  EACCES: 'Fix its permissions, or use another location',
  EPERM: 'Fix its permissions, or use another location',
  EROFS: 'Use a location on a writable file system',
  ENOENT: 'Check the path',
  ENOTDIR: 'Check the path: a file stands where a folder is expected',
  EISDIR: 'Give the path of a file, not of a folder',
  ENOSPC: 'Free some disk space, then retry',
  EDQUOT: 'Free some disk space, then retry',
  EFBIG: 'Raise the file size limit (ulimit -f), then retry',
  EEXIST: 'Move it away or choose another path',
  ENAMETOOLONG: 'Use a shorter path',
};

/** The system error code (`EACCES`, `ENOTDIR`...) of an error, if it has one runmeta explains. */
export function systemErrorCode(error: unknown): string | null {
  const code =
    typeof error === 'object' && error && 'code' in error ? String(error.code) : undefined;
  return code && code in SYSTEM_ERROR_REASONS ? code : null;
}

/** `permission denied (EACCES)`: the system's reason for an error code, in words. */
export function systemErrorReason(code: string): string {
  return `${SYSTEM_ERROR_REASONS[code] ?? 'the system refused'} (${code})`;
}

/**
 * The file system refused an operation on a database's file or folder. The
 * message names the operation, the path and the system's reason:
 * `cannot create the folder metadata: permission denied (EACCES)`.
 */
export class FileSystemError extends RunmetaError {
  /** The path the operation was about. */
  readonly path: string;
  /** The system error code (`EACCES`, `ENOTDIR`, `ENOSPC`...). */
  readonly systemCode: string;
  /**
   * @param action - what was attempted, e.g. `cannot create the folder`
   * @param path - the file or folder it was attempted on
   * @param systemCode - the system error code
   */
  constructor(action: string, path: string, systemCode: string, options: RunmetaErrorOptions = {}) {
    super('RUNMETA_FILE_SYSTEM', `${action} ${path}: ${systemErrorReason(systemCode)}`, {
      hint: SYSTEM_ERROR_HINTS[systemCode] ?? 'Check the path, then retry',
      ...options,
    });
    this.path = path;
    this.systemCode = systemCode;
  }
}

/**
 * What can stand at a path besides a regular file. runmeta reads and writes only
 * regular files: it never follows a link beside a database, never blocks reading a
 * named pipe, never replaces a folder.
 */
export type FileKind = 'file' | 'directory' | 'symlink' | 'fifo' | 'socket' | 'device';

/** Each {@link FileKind} in words, for messages (`is a named pipe (FIFO)`). */
export const FILE_KIND_WORDS: Readonly<Record<FileKind, string>> = {
  file: 'a regular file',
  directory: 'a directory',
  symlink: 'a symbolic link',
  fifo: 'a named pipe (FIFO)',
  socket: 'a socket',
  device: 'a device',
};

/**
 * Something other than a regular file stands where runmeta reads or writes a file
 * of its own (a lock, a note, a database being built, an export's partial file, a
 * database's side file): runmeta refuses rather than write through a link, block
 * on a pipe or replace a folder. Its code is `RUNMETA_FILE_SYSTEM`.
 */
export class NotAFileError extends RunmetaError {
  /** The path of the offending entry. */
  readonly path: string;
  /** What stands there. */
  readonly kind: FileKind;
  /**
   * @param action - what was attempted, e.g. `cannot write the lock note`
   * @param path - the entry's path
   * @param kind - what it is
   */
  constructor(action: string, path: string, kind: FileKind, options: RunmetaErrorOptions = {}) {
    super(
      'RUNMETA_FILE_SYSTEM',
      `${action} ${path}: it is ${FILE_KIND_WORDS[kind]}, not a regular file${kind === 'symlink' ? ', and runmeta never writes through links' : ''}`,
      {
        hint: 'Move it away (runmeta makes this file itself), then retry',
        ...options,
      },
    );
    this.path = path;
    this.kind = kind;
  }
}

/**
 * A {@link FileSystemError} for a system error thrown while doing `action` on
 * `path`, or the error unchanged when it is not a system error.
 */
export function fileSystemError(error: unknown, action: string, path: string): unknown {
  if (error instanceof RunmetaError) return error;
  const code = systemErrorCode(error);
  return code ? new FileSystemError(action, path, code, { cause: error }) : error;
}

/**
 * Map an error thrown by a SQLite engine (better-sqlite3 codes or sql.js messages)
 * to a typed runmeta error. Both embedded adapters share this, so the same file
 * fails the same way in Node and in the browser.
 */
export function classifySqliteError(error: unknown, database: string): RunmetaError {
  if (error instanceof RunmetaError) return error;
  const code = typeof error === 'object' && error && 'code' in error ? String(error.code) : '';
  const message = error instanceof Error ? error.message : String(error);
  const has = (needle: string) => code.startsWith(needle) || message.includes(needle);
  if (has('SQLITE_NOTADB') || /file is not a database/i.test(message)) {
    return new NotADatabaseError(database, 'is not a SQLite database', { cause: error });
  }
  // "malformed JSON" is an expression's error, not a damaged file: only
  // SQLite's own words for a damaged file count.
  if (
    has('SQLITE_CORRUPT') ||
    /database disk image is malformed|malformed database schema/i.test(message)
  ) {
    return new NotADatabaseError(database, 'is corrupt (database disk image is malformed)', {
      cause: error,
      hint: 'Restore it from a backup; runmeta does not repair damaged files',
    });
  }
  const notNull = /NOT NULL constraint failed: ([\w".]+)/.exec(message);
  if (notNull) {
    return new ValidationError(
      notNull[1]!,
      'is required by this database (NOT NULL) but no value was given',
      {
        cause: error,
      },
    );
  }
  const unique = /(?:UNIQUE|PRIMARY KEY) constraint failed: ([\w".]+)/.exec(message);
  if (unique) {
    return new ValidationError(unique[1]!, 'must be unique, and a row with this value exists', {
      cause: error,
    });
  }
  // A CHECK constraint a foreign file declares (runmeta declares none).
  const check = /CHECK constraint failed: (.+)$/.exec(message);
  if (check) {
    return new ValidationError(
      'value',
      `this database refused it: its CHECK constraint ${check[1]} failed`,
      { cause: error },
    );
  }
  // A value SQLite cannot take (over its size limit), or an expression of the
  // file's own (a generated column, a default, an index on an expression) that
  // failed on the value written: the write is refused, the file is fine.
  if (
    has('SQLITE_TOOBIG') ||
    /^(malformed JSON|integer overflow|string or blob too big)/i.test(message)
  ) {
    return new ValidationError('value', `this database refused it (SQLite: ${message})`, {
      cause: error,
      hint: "An expression the file declares (a generated column, a default or an index) may have failed on the value; check the value, or the file's schema (sqlite3 <file> .schema); nothing was written",
    });
  }
  if (has('SQLITE_BUSY') || has('SQLITE_LOCKED') || /database is locked/i.test(message)) {
    return new DatabaseLockedError(database, 'another connection is writing', { cause: error });
  }
  // A file-system step that failed on the way (its code, or its code in the text).
  // A full disk is told below, with the promise that nothing was written.
  const system = systemErrorCode(error) ?? /\b(E[A-Z]{3,})\b/.exec(message)?.[1];
  if (system && system in SYSTEM_ERROR_REASONS && system !== 'ENOSPC') {
    return new FileSystemError('cannot use', database, system, { cause: error });
  }
  if (has('SQLITE_READONLY') || /readonly database|read-only|permission denied/i.test(message)) {
    return new ReadOnlyError(database, 'writes are not possible here', { cause: error });
  }
  if (has('SQLITE_CANTOPEN') || /unable to open/i.test(message)) {
    return new NotADatabaseError(
      database,
      'cannot be opened (SQLite: unable to open database file)',
      {
        cause: error,
        hint: 'Check that the file, its folder and any -wal, -shm or -journal file beside it exist and are readable (and writable, to write)',
      },
    );
  }
  if (has('SQLITE_FULL') || /disk is full|ENOSPC/i.test(message)) {
    return new FileSystemError('cannot write', database, 'ENOSPC', {
      cause: error,
      hint: 'Free some disk space, then retry; nothing was written',
    });
  }
  // SQLite keeps the system's reason to itself: on a full disk, past the file size
  // limit or on a failing device alike, it says only "disk I/O error".
  if (has('SQLITE_IOERR') || /disk I\/O error/i.test(message)) {
    return new FileSystemError('cannot read or write', database, 'EIO', {
      cause: error,
      hint: 'Check the disk: it may be full (df), past the file size limit (ulimit -f), or failing; then retry',
    });
  }
  return new StorageError(`${database}: ${message}`, { cause: error });
}
