/**
 * What every embedded SQLite connection needs, written once for the adapters that
 * run SQLite in-process (better-sqlite3 in `@runmeta/node-sqlite`, sql.js in
 * `@runmeta/browser-wasm`): the pragmas a connection opens with, whether it
 * changed its database, and SQLite's quick check of an image.
 */

/**
 * Synchronous access to an embedded SQLite engine: enough to set pragmas and
 * read one value. Both better-sqlite3 and sql.js answer synchronously.
 */
export interface SqliteEngine {
  /** Run a statement that returns no rows. */
  exec(sql: string): void;
  /** The first column of the first row a statement returns (undefined: no row). */
  value(sql: string): unknown;
}

/** Options of {@link sqliteConnectionPragmas}. */
export interface SqliteConnectionOptions {
  /**
   * Refuse every write (`query_only`). For engines that cannot open a database
   * read-only — an in-memory image, sql.js — this is what makes a read-only
   * connection one; a file opened read-only is refused writes by SQLite already.
   */
  queryOnly?: boolean;
}

/** The pragmas every runmeta connection to SQLite opens with, in order. */
export function sqliteConnectionPragmas(options: SqliteConnectionOptions = {}): string[] {
  return [
    // Child rows must point at an existing run; SQLite leaves this off by default.
    'PRAGMA foreign_keys = ON',
    // A database file is untrusted input: code stored in it (views, triggers, CHECK
    // and DEFAULT expressions) may only call side-effect-free functions.
    'PRAGMA trusted_schema = OFF',
    ...(options.queryOnly ? ['PRAGMA query_only = ON'] : []),
  ];
}

/** Set {@link sqliteConnectionPragmas} on a newly opened connection. */
export function applySqliteConnectionPragmas(
  engine: SqliteEngine,
  options: SqliteConnectionOptions = {},
): void {
  for (const pragma of sqliteConnectionPragmas(options)) engine.exec(pragma);
}

/**
 * Start watching a connection for changes; the function returned says whether it
 * wrote anything since: rows (`total_changes()`), or DDL, which writes no rows but
 * moves the schema cookie. An in-memory container stores a database back only
 * then, so a connection that just read leaves the stored bytes identical. Bytes
 * that are not a database have no schema cookie: then nothing can have changed.
 */
export function trackSqliteChanges(engine: SqliteEngine): () => boolean {
  const schemaCookie = () => {
    try {
      return Number(engine.value('PRAGMA schema_version') ?? 0);
    } catch {
      return Number.NaN;
    }
  };
  const atOpen = schemaCookie();
  return () =>
    !Number.isNaN(atOpen) &&
    (Number(engine.value('SELECT total_changes()') ?? 0) > 0 || schemaCookie() !== atOpen);
}

/** What SQLite says to a change of the safety level inside a transaction. */
const INSIDE_TRANSACTION = /inside a transaction/i;

/**
 * Whether a transaction is open on the connection, asked of the engine rather
 * than guessed from the SQL it ran (for engines without `sqlite3_get_autocommit`,
 * such as sql.js). SQLite refuses to change `synchronous` inside a transaction,
 * at prepare time, so setting it to its own value answers without changing the
 * setting or the transaction. Any other error (bytes that are not a database)
 * means none is open.
 */
export function sqliteInTransaction(engine: SqliteEngine): boolean {
  try {
    const level = Number(engine.value('PRAGMA synchronous'));
    if (!Number.isInteger(level)) return false;
    engine.exec(`PRAGMA synchronous = ${level}`);
    return false;
  } catch (error) {
    return INSIDE_TRANSACTION.test(String((error as Error | null)?.message ?? error));
  }
}

/**
 * SQLite's `PRAGMA quick_check` of a database (the page, record and constraint
 * checks of `integrity_check`, without comparing indexes to their tables): null
 * when sound, else SQLite's first finding.
 */
export function sqliteQuickCheck(engine: SqliteEngine): string | null {
  const verdict = String(engine.value('PRAGMA quick_check') ?? '');
  return verdict === 'ok' ? null : verdict;
}
