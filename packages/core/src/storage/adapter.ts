/**
 * The storage contract. An adapter only executes: it opens named databases in its
 * container (a folder, a map of in-memory databases, an IndexedDB store), runs
 * single parameterised statements, and offers the few container operations a
 * migration needs. Everything else — validation, decoding, migration, transactions,
 * serialising access — lives in core, once.
 *
 * Every method is async so a network database can implement it later without
 * changing core.
 *
 * @packageDocumentation
 */

import type { Row, RowValues, RunResult, SqlParams } from '../sql/values.js';
import type { SqlDialect } from './sql-dialect.js';

// The values a connection takes and returns are part of the adapter contract.

/** What {@link SqlConnection.onTransaction} is told. */
export type TransactionEvent = 'begin' | 'commit' | 'rollback';

/**
 * What differs between backends; each flag defaults to the safest assumption.
 * Only flags core reads are declared: an unread flag would promise a behaviour
 * nothing provides.
 */
export interface AdapterCapabilities {
  /** The backend journals in WAL mode, so a checkpoint matters before moving a file. */
  readonly wal: boolean;
  /**
   * `readBytes`/`writeBytes` move a database's SQLite file image unchanged
   * (default true). False for a server: `writeBytes` imports an SQLite image into
   * the server and `readBytes` exports the same rows as a new SQLite image, so
   * equal data gives equal bytes but a written image is not returned verbatim.
   */
  readonly exactBytes?: boolean;
}

/** Options for {@link StorageAdapter.open}. */
export interface OpenOptions {
  /** Open without the right to write; a missing database is an error. */
  readonly readOnly?: boolean;
  /**
   * Return integers beyond 2^53 as `bigint` instead of a rounded number (whole-
   * database copies use it so a 64-bit id arrives exactly). Backends that never
   * round may ignore it.
   */
  readonly exactIntegers?: boolean;
  /**
   * With `readOnly`: a brief look before the database is opened for writing (its
   * schema read, then closed). A backend may read it in a way that only suits a
   * short look (node-sqlite reads a WAL-mode file in place, making the side files
   * the write connection makes anyway, instead of copying it whole into memory).
   * Backends may ignore it.
   */
  readonly brief?: boolean;
  /**
   * With `readOnly`: a connection that stays open and must see what others
   * commit meanwhile (a dashboard). A backend must not read a snapshot taken
   * at open (node-sqlite reads a WAL-mode file in place). Backends that always
   * read the live database may ignore it.
   */
  readonly live?: boolean;
}

/**
 * One open database. Each call runs exactly one SQL statement with positional
 * parameters. Core serialises calls (one at a time per connection) and issues
 * `BEGIN`/`COMMIT` itself, so implementations need no locking of their own.
 */
export interface SqlConnection {
  /** Run a statement that returns no rows (DDL, INSERT, UPDATE, PRAGMA with effects). */
  run(sql: string, params?: SqlParams): Promise<RunResult>;
  /** Run a statement and return all its rows as objects keyed by column name. */
  all(sql: string, params?: SqlParams): Promise<Row[]>;
  /**
   * Optional: run one statement for many parameter sets (bulk insert). Core falls
   * back to calling {@link SqlConnection.run} in a loop. Always called inside a
   * transaction.
   */
  runMany?(sql: string, paramSets: readonly SqlParams[]): Promise<RunResult>;
  /**
   * Optional: run a statement and hand its rows over one at a time, so a result
   * of any size streams in constant memory (a million-run list). Core holds the
   * connection for the iteration's whole length and ends it early by `return()`.
   * Without it, core reads large results page by page instead.
   */
  iterate?(sql: string, params?: SqlParams): Iterable<Row> | AsyncIterable<Row>;
  /**
   * Optional: run a read and return its rows as value arrays with their column
   * names, which spares building an object per row on large reads
   * (`getAllRuns`). Core falls back to {@link SqlConnection.all}.
   */
  values?(sql: string, params?: SqlParams): Promise<RowValues>;
  /**
   * Optional: told when a transaction core ran on this connection began,
   * committed or rolled back — after its statement succeeded (a failed `BEGIN` or
   * `COMMIT` reports nothing; `rollback` is reported even when the engine had
   * rolled back already). An engine that acts on commits (the browser store
   * saves after one) learns of them here instead of reading SQL text.
   */
  onTransaction?(event: TransactionEvent): void;
  /** Release the connection; called exactly once by core. */
  close(): Promise<void>;
  /**
   * True when nothing another connection commits can reach what this one
   * reads: it reads a copy taken when it opened (node-sqlite's snapshot of a
   * small WAL-mode file, a memory database, sql.js). Absent means it reads the
   * live database.
   */
  readonly isolated?: boolean;
}

/**
 * A container of named databases (`runs.db`, `runs_v1_archive.db`, ...).
 *
 * Implementations: `createNodeSqliteAdapter` (`@runmeta/node-sqlite`, a folder or
 * memory), `createSqlJsAdapter` (`@runmeta/browser-wasm`), `createPostgresAdapter`
 * (`@runmeta/postgres`, one schema per name in a PostgreSQL database).
 */
export interface StorageAdapter {
  /** Short backend name used in messages, e.g. `node-sqlite`. */
  readonly name: string;
  readonly capabilities: AdapterCapabilities;
  /** The backend's SQL dialect; SQLite's when absent. */
  readonly dialect?: SqlDialect;
  /** Where `name` lives, for messages (a file path, or `memory:runs.db`). */
  describe(name: string): string;
  /** Open (and create, unless read-only) the named database. */
  open(name: string, options?: OpenOptions): Promise<SqlConnection>;
  /**
   * Whether the name is taken: the database exists, or (on a file system)
   * anything else stands there — a folder, a link (even to nothing), a pipe.
   */
  exists(name: string): Promise<boolean>;
  /** Rename atomically; must fail rather than overwrite an existing `to`. */
  move(from: string, to: string): Promise<void>;
  /** Copy a closed database; must fail rather than overwrite an existing `to`. */
  copy(from: string, to: string): Promise<void>;
  /** Delete a database (and any side files); a missing one is not an error. */
  remove(name: string): Promise<void>;
  /** The bytes of a closed database (for export and fixtures). */
  readBytes(name: string): Promise<Uint8Array>;
  /** Create or replace a database from bytes (for import and fixtures). */
  writeBytes(name: string, bytes: Uint8Array): Promise<void>;
  /**
   * Names taken in the container: its databases and, on a file system, any other
   * entry (a folder, a link, a pipe), so a new archive or backup name never lands
   * on one. Side files (journals, locks) are left out.
   */
  list(): Promise<string[]>;
  /**
   * Optional: take an exclusive lock that guards schema changes of `name` across
   * processes (or tabs). Core takes it before creating, repairing or migrating,
   * so N processes opening one v1 file produce one migration. Resolves to a
   * release function; rejects with a `DatabaseLockedError` naming the holder
   * after `timeoutMs`. A lock left by a dead holder must not block forever.
   */
  lock?(
    name: string,
    options: {
      timeoutMs: number;
      /** Stop waiting once aborted (rejecting with an `InterruptedError`), where supported. */
      signal?: AbortSignal;
    },
  ): Promise<() => Promise<void>>;
  /**
   * Optional: the files on disk that belong to the database `name` — the file,
   * its SQLite side files (journal, WAL, shared memory) and its lock files —
   * with their sizes. Missing files are left out. Used to report what
   * interrupted work left behind.
   */
  files?(name: string): Promise<StoredFile[]>;
  /**
   * Optional: who holds, or last held, the lock of `name` (from the note its
   * holder writes and removes on release), or null when there is no note.
   */
  lockHolder?(name: string): Promise<LockHolderNote | null>;
  /**
   * Optional: a string `ATTACH DATABASE ? AS …` accepts for the named database,
   * so carry-over copies inside SQLite instead of through JavaScript.
   */
  attachTarget?(name: string): string;
  /**
   * Optional: how a statement on another database's connection of this adapter
   * reads the named database, so a question over a database and its archive is
   * one SQL statement: `{ attach }` is what SQLite's `ATTACH DATABASE ? AS …`
   * takes, `{ schema }` the schema its tables are in on the same server.
   * Undefined (or no method) when it cannot be reached: core then copies the
   * archive's runs into a temporary table of the connection (SQLite only), page
   * by page.
   */
  reach?(name: string): { attach: string } | { schema: string } | undefined;
}

/** One file of a database on disk (see {@link StorageAdapter.files}). */
export interface StoredFile {
  /** Its name in the container, e.g. `runs.db.v2-building-journal`. */
  name: string;
  bytes: number;
  /** The database file itself, one of SQLite's side files, or a lock file. */
  role: 'database' | 'side' | 'lock';
}

/** The note a lock holder leaves (see {@link StorageAdapter.lockHolder}). */
export interface LockHolderNote {
  pid: number;
  hostname: string;
  /** When it took the lock (ISO 8601). */
  since: string;
  /** Whether that process still runs; null when this process cannot tell (another host). */
  running: boolean | null;
}
