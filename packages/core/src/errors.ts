/**
 * One error hierarchy for the whole SDK. Every error has a stable `code` (safe to
 * switch on), says what went wrong (`problem`), and carries a `hint` that tells the
 * user what to do next. Messages share one format: `[runmeta] <problem>. <hint>`.
 *
 * Hints are written in the words of the interface the user is using: `hint` names
 * SDK options and methods (`includeArchive: true`); where that differs, `cliHint`
 * says the same with CLI flags and commands (`--include-archive`), and the CLI
 * prints `<problem>. <cliHint>` instead of the message.
 *
 * The table {@link ERROR_CODES} is the single source of truth for codes, their
 * meaning and the CLI exit code each maps to; docs and the CLI derive from it.
 *
 * @packageDocumentation
 */
import type { SchemaObject } from './sql/observed-schema.js';

/** Every error code the SDK can raise, with its meaning and CLI exit code. */
export const ERROR_CODES = {
  RUNMETA_VALIDATION: {
    summary: 'A value given to a write was rejected; the error names the field.',
    exitCode: 2,
  },
  RUNMETA_RUN_NOT_FOUND: {
    summary:
      'No run with the given run_id exists in the active database (when it is in the read-only v1 archive, the error says so).',
    exitCode: 2,
  },
  RUNMETA_RUN_FINISHED: {
    summary:
      'The run is completed or failed: its record is final and takes no more events or completion.',
    exitCode: 2,
  },
  RUNMETA_NEEDS_MIGRATION: {
    summary:
      'The database is schema v1 (or lacks v2 columns) and autoMigrate is off, or migrating it would defeat the command (a write to runs the archive strategy would move out of reach).',
    exitCode: 3,
  },
  RUNMETA_NEWER_SCHEMA: {
    summary: 'The database was written by a newer runmeta; nothing is changed.',
    exitCode: 3,
  },
  RUNMETA_NOT_A_DATABASE: {
    summary:
      'The file is not SQLite, is corrupt, or is SQLite without a runs table (or with a runs table without run_id).',
    exitCode: 3,
  },
  RUNMETA_LOCKED: {
    summary: 'Another process holds the database or its migration lock.',
    exitCode: 3,
  },
  RUNMETA_READ_ONLY: {
    summary:
      'A write was attempted on a read-only database or location, or on a v1 archive (read-only to everything but rollback).',
    exitCode: 3,
  },
  RUNMETA_UNSAFE_SCHEMA: {
    summary:
      'The database holds code runmeta will not run: a view or virtual table where one of its tables belongs (refused for every use), or a trigger on a table it writes (refused for writes); nothing was changed.',
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
  RUNMETA_FILE_SYSTEM: {
    summary:
      "The file system refused an operation on a database's file or folder (permissions, a file where a folder should be, a full disk, a disk I/O error), or something other than a regular file (a link, a named pipe, a folder) stands where runmeta reads or writes a file of its own; the error names the path and the reason.",
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
  /** What the user should do about it, in SDK words (option and method names). */
  hint?: string;
  /**
   * The same advice in CLI words (flags and commands), when it differs from
   * `hint`. Leave it out when `hint` names nothing interface-specific.
   */
  cliHint?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * A class's default hints, overridden by the caller's: a caller's own `hint`
 * replaces the default advice in both interfaces (unless it gives a `cliHint` too).
 */
function withHints(
  defaults: { hint: string; cliHint?: string },
  options: RunmetaErrorOptions,
): RunmetaErrorOptions {
  return options.hint === undefined ? { ...defaults, ...options } : options;
}

/** Base class of every error the SDK throws on purpose. */
export class RunmetaError extends Error {
  /** Stable machine-readable code. */
  readonly code: RunmetaErrorCode;
  /** What went wrong, without the hint. */
  readonly problem: string;
  /** What to do about it, in SDK words (also appended to `message`). */
  readonly hint: string | undefined;
  /** What to do about it in CLI words; undefined when `hint` fits the CLI as it is. */
  readonly cliHint: string | undefined;

  constructor(code: RunmetaErrorCode, what: string, options: RunmetaErrorOptions = {}) {
    const text = options.hint ? `${what}. ${options.hint}` : what;
    super(`[runmeta] ${text}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.problem = what;
    this.hint = options.hint;
    this.cliHint = options.cliHint;
  }

  /** The CLI exit code for this error: 1 internal, 2 bad input, 3 database problem. */
  get exitCode(): number {
    return ERROR_CODES[this.code].exitCode;
  }
}

/** Options of {@link ValidationError}. */
export interface ValidationErrorOptions extends RunmetaErrorOptions {
  /**
   * Whether the rejected value was given to a read (a filter) or a write. Only a
   * write can promise that nothing was written. Default `'write'`.
   */
  operation?: 'read' | 'write';
}

/** A value given to a write (or a read's filter) failed validation. `field` names the offending field path. */
export class ValidationError extends RunmetaError {
  readonly field: string;
  constructor(field: string, problem: string, options: ValidationErrorOptions = {}) {
    const { operation = 'write', ...rest } = options;
    super('RUNMETA_VALIDATION', `Invalid ${field}: ${problem}`, {
      hint:
        operation === 'read'
          ? 'Fix the value and retry'
          : 'Fix the value and retry; nothing was written',
      ...rest,
    });
    this.field = field;
  }
}

/** Options of {@link RunNotFoundError}. */
export interface RunNotFoundOptions extends RunmetaErrorOptions {
  /**
   * The archive that holds the run, when it is not in the active database but
   * there (its location): the error then says so, and how to reach it.
   */
  archive?: string;
  /** Whether a read or a write looked for it (archived runs are only read). Default `'read'`. */
  operation?: 'read' | 'write';
}

/**
 * No run with this id exists in the active database (nor in the archive when it
 * was searched). When the run sits in the read-only v1 archive, `archive` says
 * where: a read is told to include the archive, a write how to carry it over.
 */
export class RunNotFoundError extends RunmetaError {
  readonly runId: string;
  /** The archive holding the run, when it is only there (read-only); null otherwise. */
  readonly archive: string | null;
  constructor(runId: string, options: RunNotFoundOptions = {}) {
    const { archive, operation = 'read', ...rest } = options;
    if (archive === undefined) {
      super(
        'RUNMETA_RUN_NOT_FOUND',
        `Run "${runId}" not found`,
        withHints(
          {
            hint: 'Check the id with getAllRuns({ includeArchive: true })',
            cliHint: 'Check the id with `runmeta runs list --include-archive`',
          },
          rest,
        ),
      );
    } else if (operation === 'write') {
      super(
        'RUNMETA_RUN_NOT_FOUND',
        `Run "${runId}" is not in the active database but in its v1 archive ${archive}, which is read-only`,
        withHints(
          {
            hint: 'Carry the archive over into the active database with MetadataManager.carryOverArchive({ adapter }), then retry',
            cliHint:
              'Carry the archive over with `runmeta migrate --carry-over-archive --yes`, then retry',
          },
          rest,
        ),
      );
    } else {
      super(
        'RUNMETA_RUN_NOT_FOUND',
        `Run "${runId}" is not in the active database; it is in the archive ${archive}`,
        withHints(
          {
            hint: 'Pass includeArchive: true to read it',
            cliHint: 'Add --include-archive to read it',
          },
          rest,
        ),
      );
    }
    this.runId = runId;
    this.archive = archive ?? null;
  }
}

/**
 * The run is finished (`completed` or `failed`): its record is final, so it takes
 * no more mechanism events, resolutions, validations, nor a second completion.
 */
export class RunFinishedError extends RunmetaError {
  readonly runId: string;
  /** The run's final status. */
  readonly status: 'completed' | 'failed';
  constructor(runId: string, status: 'completed' | 'failed') {
    super(
      'RUNMETA_RUN_FINISHED',
      `Run "${runId}" is already ${status}; its record is final and nothing was written`,
      {
        hint: 'Record mechanisms, resolutions and validations before completeRun; start a new run for new events',
        cliHint:
          'Record events before `runmeta complete`; start a new run (`runmeta start`) for new events',
      },
    );
    this.runId = runId;
    this.status = status;
  }
}

/** The database needs a migration and `autoMigrate` is off (or the migration would defeat the call). */
export class NeedsMigrationError extends RunmetaError {
  constructor(database: string, detail: string, options: RunmetaErrorOptions = {}) {
    super(
      'RUNMETA_NEEDS_MIGRATION',
      `${database} needs migration: ${detail}`,
      withHints(
        {
          hint: 'Open it with autoMigrate: true, or see the plan with MetadataManager.plan()',
          cliHint: 'See the plan with `runmeta migrate --dry-run`, then run `runmeta migrate`',
        },
        options,
      ),
    );
  }
}

/** The database has a schema_version newer than this SDK knows. */
export class NewerSchemaError extends RunmetaError {
  readonly schemaVersion: string;
  constructor(database: string, schemaVersion: string, supported: string) {
    super(
      'RUNMETA_NEWER_SCHEMA',
      `${database} has schema_version ${schemaVersion}, newer than the ${supported} this runmeta supports; it was not changed`,
      {
        hint: 'Upgrade runmeta, or open it with readOnly: true to read it',
        cliHint:
          'Upgrade runmeta to write to it; reading commands (status, runs list, runs show, inspect, export) still work',
      },
    );
    this.schemaVersion = schemaVersion;
  }
}

/**
 * The file is not a SQLite database, is corrupt, or has no `runs` table. The
 * default hint is about SQLite files; a server adapter passes its own.
 */
export class NotADatabaseError extends RunmetaError {
  constructor(database: string, detail: string, options: RunmetaErrorOptions = {}) {
    super(
      'RUNMETA_NOT_A_DATABASE',
      `${database} ${detail}`,
      withHints(
        {
          hint: 'Open a SQLite run database written by runmeta or the earlier tool, such as metadata/runs.db',
          cliHint: 'Check --db: it must name a SQLite run database, such as metadata/runs.db',
        },
        options,
      ),
    );
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

/**
 * A write was attempted where writing is impossible or not allowed. The default
 * hint is about permissions; a manager opened read-only says so itself.
 */
export class ReadOnlyError extends RunmetaError {
  constructor(database: string, detail: string, options: RunmetaErrorOptions = {}) {
    super('RUNMETA_READ_ONLY', `${database} is read-only: ${detail}`, {
      hint: 'Check the permissions of the file and its folder',
      ...options,
    });
  }
}

/**
 * The database holds code runmeta will not run: a view or virtual table under
 * the name of one of runmeta's tables (reading it would run its query; refused
 * for every use), or a trigger on a table runmeta writes (refused for writes,
 * since every write would run it). `objects` names each one. Nothing was changed.
 */
export class UnsafeSchemaError extends RunmetaError {
  readonly objects: readonly SchemaObject[];
  constructor(database: string, objects: readonly SchemaObject[]) {
    const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
    const said = objects.map((o) =>
      o.kind === 'trigger'
        ? `trigger ${quote(o.name)} on ${o.table}`
        : `${quote(o.name)} is a ${o.kind}, not a table`,
    );
    const shown = said.length > 5 ? [...said.slice(0, 5), `${said.length - 5} more`] : said;
    const triggersOnly = objects.every((o) => o.kind === 'trigger');
    const first = objects[0]!;
    const drop = `DROP ${first.kind === 'trigger' ? 'TRIGGER' : first.kind === 'view' ? 'VIEW' : 'TABLE'} ${quote(first.name)}`;
    const which = objects.length === 1 ? `the ${first.kind}` : 'them';
    const remedy = `if you trust the file, remove ${which} with the sqlite3 shell (${objects.length > 1 ? 'e.g. ' : ''}${drop}), then retry`;
    super(
      'RUNMETA_UNSAFE_SCHEMA',
      `${database} holds code that runmeta does not run: ${shown.join('; ')}; nothing was changed`,
      triggersOnly
        ? {
            hint: `Open it with readOnly: true to read it; to write to it, ${remedy}`,
            cliHint: `Reading commands (runs list, runs show, inspect, report, export, status) still work; to write to it, ${remedy}`,
          }
        : { hint: `runmeta reads and writes only plain tables under its table names; ${remedy}` },
    );
    this.objects = objects;
  }
}

/** An archive operation would overwrite or lose a database. */
export class ArchiveConflictError extends RunmetaError {
  /** @param hint - what to do: one text, or SDK and CLI wordings */
  constructor(detail: string, hint: string | { hint: string; cliHint?: string }) {
    super('RUNMETA_ARCHIVE_CONFLICT', detail, typeof hint === 'string' ? { hint } : hint);
  }
}

/** A migration step or its verification failed. */
export class MigrationError extends RunmetaError {
  constructor(detail: string, options: RunmetaErrorOptions = {}) {
    super(
      'RUNMETA_MIGRATION_FAILED',
      `Migration failed: ${detail}`,
      withHints(
        {
          hint: "The v1 data is intact; report the message with the error's cause",
          cliHint: 'The v1 data is intact; run with --debug and report the message',
        },
        options,
      ),
    );
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
    super('RUNMETA_CLOSED', `${what} is closed`, {
      hint: 'Open a new MetadataManager',
      cliHint: 'Run with --debug and report it',
    });
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
      cliHint: 'Nothing was loaded',
    });
    this.bytes = bytes;
    this.limitBytes = limitBytes;
  }
}

/** A database server cannot be reached, or refused the login. */
export class ServerUnreachableError extends RunmetaError {
  constructor(location: string, detail: string, options: RunmetaErrorOptions = {}) {
    super('RUNMETA_UNREACHABLE', `${location}: ${detail}`, {
      hint: 'Check that the server runs and that the host, port, user and password in the URL are right',
      ...options,
    });
  }
}

/** The storage backend failed in a way runmeta could not classify. */
export class StorageError extends RunmetaError {
  constructor(detail: string, options: RunmetaErrorOptions = {}) {
    super(
      'RUNMETA_STORAGE',
      detail,
      withHints(
        {
          hint: "See the error's cause for the underlying error",
          cliHint: 'Run with --debug for the underlying error',
        },
        options,
      ),
    );
  }
}
