/**
 * One error hierarchy for the whole SDK. Every error has a stable `code` (safe to
 * switch on), says what went wrong, and carries a `hint` that tells the user what to
 * do next. Messages share one format: `[runmeta] <what went wrong>. <hint>`.
 *
 * The table {@link ERROR_CODES} is the single source of truth for codes, their
 * meaning and the CLI exit code each maps to; docs and the CLI derive from it.
 *
 * @packageDocumentation
 */

/** Every error code the SDK can raise, with its meaning and CLI exit code. */
export const ERROR_CODES = {
  RUNMETA_VALIDATION: {
    summary: 'A value given to a write was rejected; the error names the field.',
    exitCode: 2,
  },
  RUNMETA_RUN_NOT_FOUND: { summary: 'No run with the given run_id exists.', exitCode: 2 },
  RUNMETA_NEEDS_MIGRATION: {
    summary: 'The database is schema v1 (or lacks v2 columns) and autoMigrate is off.',
    exitCode: 3,
  },
  RUNMETA_NEWER_SCHEMA: {
    summary: 'The database was written by a newer runmeta; nothing is changed.',
    exitCode: 3,
  },
  RUNMETA_NOT_A_DATABASE: {
    summary: 'The file is not SQLite, is corrupt, or is SQLite without a runs table.',
    exitCode: 3,
  },
  RUNMETA_LOCKED: {
    summary: 'Another process holds the database or its migration lock.',
    exitCode: 3,
  },
  RUNMETA_READ_ONLY: {
    summary: 'A write was attempted on a read-only database or location.',
    exitCode: 3,
  },
  RUNMETA_ARCHIVE_CONFLICT: {
    summary: 'An archive operation would overwrite or lose a database.',
    exitCode: 3,
  },
  RUNMETA_MIGRATION_FAILED: {
    summary: 'A migration step or its verification failed; the v1 data is untouched.',
    exitCode: 3,
  },
  RUNMETA_TOO_LARGE: {
    summary: 'A database is larger than the configured size limit; nothing was loaded.',
    exitCode: 3,
  },
  RUNMETA_UNREACHABLE: {
    summary: 'A database server cannot be reached or refused the login.',
    exitCode: 3,
  },
  RUNMETA_INTERRUPTED: {
    summary:
      'Work was interrupted (SIGINT, SIGTERM or an AbortSignal); the message says where every file is.',
    exitCode: 130,
  },
  RUNMETA_CLOSED: { summary: 'The manager or connection was used after close().', exitCode: 1 },
  RUNMETA_STORAGE: { summary: 'The storage backend failed in an unexpected way.', exitCode: 1 },
} as const satisfies Record<string, { summary: string; exitCode: number }>;

/** A stable error code; see {@link ERROR_CODES}. */
export type RunmetaErrorCode = keyof typeof ERROR_CODES;

/** Options shared by every runmeta error. */
export interface RunmetaErrorOptions {
  /** What the user should do about it. */
  hint?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

/** Base class of every error the SDK throws on purpose. */
export class RunmetaError extends Error {
  /** Stable machine-readable code. */
  readonly code: RunmetaErrorCode;
  /** What to do about it (also appended to `message`). */
  readonly hint: string | undefined;

  constructor(code: RunmetaErrorCode, what: string, options: RunmetaErrorOptions = {}) {
    const text = options.hint ? `${what}. ${options.hint}` : what;
    super(`[runmeta] ${text}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }

  /** The CLI exit code for this error (SPEC §8). */
  get exitCode(): number {
    return ERROR_CODES[this.code].exitCode;
  }
}

/** A value given to a write failed validation. `field` names the offending field path. */
export class ValidationError extends RunmetaError {
  readonly field: string;
  constructor(field: string, problem: string, options: RunmetaErrorOptions = {}) {
    super('RUNMETA_VALIDATION', `Invalid ${field}: ${problem}`, {
      hint: 'Fix the value and retry; nothing was written',
      ...options,
    });
    this.field = field;
  }
}

/** No run with this id exists (in the active database, nor the archive when asked). */
export class RunNotFoundError extends RunmetaError {
  readonly runId: string;
  constructor(runId: string) {
    super('RUNMETA_RUN_NOT_FOUND', `Run "${runId}" not found`, {
      hint: 'Check the id with getAllRuns() or `runmeta runs list`',
    });
    this.runId = runId;
  }
}

/** The database needs a migration and `autoMigrate` is off. */
export class NeedsMigrationError extends RunmetaError {
  constructor(database: string, detail: string) {
    super('RUNMETA_NEEDS_MIGRATION', `${database} needs migration: ${detail}`, {
      hint: 'Open it with autoMigrate: true, or run `runmeta migrate --dry-run` to see the plan',
    });
  }
}

/** The database has a schema_version newer than this SDK knows. */
export class NewerSchemaError extends RunmetaError {
  readonly schemaVersion: string;
  constructor(database: string, schemaVersion: string, supported: string) {
    super(
      'RUNMETA_NEWER_SCHEMA',
      `${database} has schema_version ${schemaVersion}, newer than the ${supported} this runmeta supports; it was not changed`,
      { hint: 'Upgrade runmeta, or open it with readOnly: true to read it' },
    );
    this.schemaVersion = schemaVersion;
  }
}

/** The file is not a SQLite database, is corrupt, or has no `runs` table. */
export class NotADatabaseError extends RunmetaError {
  constructor(database: string, detail: string, options: RunmetaErrorOptions = {}) {
    super('RUNMETA_NOT_A_DATABASE', `${database} ${detail}`, {
      hint: 'Check --db: a SQLite file such as metadata/runs.db, or postgres://host/database?schema=<name>',
      ...options,
    });
  }
}

/** The database (or its migration lock) is held by someone else. */
export class DatabaseLockedError extends RunmetaError {
  constructor(database: string, detail: string, options: RunmetaErrorOptions = {}) {
    super('RUNMETA_LOCKED', `${database} is locked: ${detail}`, {
      hint: 'Wait for the other process to finish, then retry',
      ...options,
    });
  }
}

/** A write was attempted where writing is impossible or not allowed. */
export class ReadOnlyError extends RunmetaError {
  constructor(database: string, detail: string, options: RunmetaErrorOptions = {}) {
    super('RUNMETA_READ_ONLY', `${database} is read-only: ${detail}`, {
      hint: 'Open it without readOnly, or check file and folder permissions',
      ...options,
    });
  }
}

/** An archive operation would overwrite or lose a database. */
export class ArchiveConflictError extends RunmetaError {
  constructor(detail: string, hint: string) {
    super('RUNMETA_ARCHIVE_CONFLICT', detail, { hint });
  }
}

/** A migration step or its verification failed. */
export class MigrationError extends RunmetaError {
  constructor(detail: string, options: RunmetaErrorOptions = {}) {
    super('RUNMETA_MIGRATION_FAILED', `Migration failed: ${detail}`, {
      hint: 'The v1 data is intact; run with --debug and report the message',
      ...options,
    });
  }
}

/**
 * Long work (a migration) stopped because its `AbortSignal` was aborted. The
 * message says what was left where, e.g. `interrupted; metadata/runs.db unchanged;
 * the partly built metadata/runs.db.v2-building was removed`.
 */
export class InterruptedError extends RunmetaError {
  /** The signal's `reason` when it is a string (the CLI passes `SIGINT` or `SIGTERM`). */
  readonly reason: string | null;
  constructor(detail: string, reason: unknown, options: RunmetaErrorOptions = {}) {
    super('RUNMETA_INTERRUPTED', detail, {
      hint: 'Nothing is lost; run it again when you are ready',
      ...options,
    });
    this.reason = typeof reason === 'string' ? reason : null;
  }
}

/** The manager or a connection was used after `close()`. */
export class ClosedError extends RunmetaError {
  constructor(what: string) {
    super('RUNMETA_CLOSED', `${what} is closed`, { hint: 'Open a new MetadataManager' });
  }
}

/** A database is larger than the adapter's configured limit (browsers: a tab's memory). */
export class DatabaseTooLargeError extends RunmetaError {
  readonly bytes: number;
  readonly limitBytes: number;
  constructor(location: string, bytes: number, limitBytes: number) {
    const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
    super('RUNMETA_TOO_LARGE', `${location} is ${mib(bytes)}, above the ${mib(limitBytes)} limit`, {
      hint: 'Nothing was loaded. Raise the maxBytes option if the device has the memory, or open the file with the CLI or Node SDK',
    });
    this.bytes = bytes;
    this.limitBytes = limitBytes;
  }
}

/** The storage backend failed in a way runmeta could not classify. */
/** A database server cannot be reached, or refused the login. */
export class ServerUnreachableError extends RunmetaError {
  constructor(location: string, detail: string, options: RunmetaErrorOptions = {}) {
    super('RUNMETA_UNREACHABLE', `${location}: ${detail}`, {
      hint: 'Check that the server runs and that the host, port, user and password in the URL are right',
      ...options,
    });
  }
}

export class StorageError extends RunmetaError {
  constructor(detail: string, options: RunmetaErrorOptions = {}) {
    super('RUNMETA_STORAGE', detail, {
      hint: 'Run with --debug for the underlying error',
      ...options,
    });
  }
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
  if (has('SQLITE_CORRUPT') || /malformed/i.test(message)) {
    return new NotADatabaseError(database, 'is corrupt (database disk image is malformed)', {
      cause: error,
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
  if (has('SQLITE_BUSY') || has('SQLITE_LOCKED') || /database is locked/i.test(message)) {
    return new DatabaseLockedError(database, 'another connection is writing', { cause: error });
  }
  if (
    has('SQLITE_READONLY') ||
    has('EACCES') ||
    has('EPERM') ||
    /readonly database|read-only|permission denied/i.test(message)
  ) {
    return new ReadOnlyError(database, 'writes are not possible here', { cause: error });
  }
  if (has('SQLITE_CANTOPEN') || /unable to open/i.test(message)) {
    return new NotADatabaseError(database, 'cannot be opened (missing folder, or a directory?)', {
      cause: error,
    });
  }
  if (has('SQLITE_FULL') || /disk is full|ENOSPC/i.test(message)) {
    return new StorageError(`${database}: the disk is full; nothing was written`, { cause: error });
  }
  return new StorageError(`${database}: ${message}`, { cause: error });
}
