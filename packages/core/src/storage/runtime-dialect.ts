/**
 * The part of a backend's SQL dialect that running a database needs:
 * transactions, read-only statements, the checkpoint before a rename and the
 * integrity check.
 */
import type { StatementExecutor } from '../sql/statement-executor.js';

/** Statements of a running database that differ between backends. */
export interface RuntimeDialect {
  /** Statement that begins a write transaction (`BEGIN IMMEDIATE` takes SQLite's write lock up front). */
  readonly beginWrite: string;
  /** Statement that begins a read transaction. */
  readonly beginRead: string;
  /**
   * Statement that folds a write-ahead log into the main file before a database is
   * renamed (SQLite in WAL mode; it reports `busy` when a reader blocks it), or null
   * when a rename never loses committed rows.
   */
  readonly checkpointSql: string | null;
  /** How {@link RuntimeDialect.integrityCheck} is shown in a plan (a dry run prints it). */
  readonly integritySql: string;
  /**
   * Check a database's storage (SQLite: `PRAGMA integrity_check`, or `quick_check`
   * above `rows` rows); resolves to `ok` or what is wrong.
   */
  integrityCheck(db: StatementExecutor, rows: number): Promise<string>;
  /**
   * Run `fn` so that no statement inside it can write (SQLite: `PRAGMA query_only`
   * in a rolled-back transaction; PostgreSQL: `BEGIN READ ONLY`).
   */
  readOnly<T>(db: StatementExecutor, fn: () => Promise<T>): Promise<T>;
  /** Whether `query()` accepts the statement as a read (after comments are stripped). */
  isReadStatement(head: string): boolean;
  /**
   * Upkeep before a connection that committed writes closes (SQLite: gather the
   * query planner's statistics again where a table has grown or shrunk much
   * since they were taken). Best effort: a failure is ignored, the close goes on.
   * Optional: PostgreSQL's autovacuum keeps its own statistics.
   */
  afterWrites?(db: StatementExecutor): Promise<void>;
  /**
   * Statement that readies a connection for one pass over much data, such as
   * counting every row of a large table before a migration (SQLite: a page
   * cache of a few pages, reused; filling a large one first touches a fresh
   * page of memory per database page read, which costs more than reading the
   * page). Absent where a connection needs nothing.
   */
  readonly scanOnceSql?: string;
  /**
   * Statement whose one value changes whenever another connection commits to
   * the database (SQLite: `PRAGMA data_version`), so a reader can keep answers
   * while it is unchanged. Absent where the backend cannot tell cheaply
   * (PostgreSQL: every commit anywhere on the server would count).
   */
  readonly dataVersionSql?: string;
}
