/**
 * Finding a database's v1 archive: the name its latest migration recorded in
 * the history table, while that database still exists, else the usual sibling
 * name (`runs_v1_archive.db`) when there is one. Rollback, import and carry-over
 * ask by database name ({@link archiveOf}); an open manager asks through its own
 * connection and keeps the archive open once read ({@link ArchiveLookup}).
 *
 * @packageDocumentation
 */
import { TABLES } from '../columns/registry.js';
import { standIns } from '../migrate/foreign-code.js';
import { observeSchema } from '../migrate/observe.js';
import { archiveNameFor } from '../migrate/working-names.js';
import type { ObservedSchema } from '../sql/observed-schema.js';
import { quoteIdent } from '../sql/quote.js';
import type { StorageAdapter } from '../storage/adapter.js';
import type { Database, Executor } from '../storage/database.js';
import { openDatabase } from '../storage/open-database.js';
import { openArchiveDatabase } from './archive-open.js';
import type { ColumnCache } from './column-cache.js';
import { runNotFound } from './not-found.js';

/**
 * The archive the latest migration recorded in `db`'s history, if it still
 * exists; null when the row says none or cannot be read as JSON. A failing
 * statement (no history table) is the caller's to handle.
 */
async function recordedArchive(adapter: StorageAdapter, db: Executor): Promise<string | null> {
  const rows = await db.all(
    `SELECT "details" FROM ${quoteIdent(TABLES.history.name)} WHERE "kind" = 'migrate' ORDER BY "id" DESC LIMIT 1`,
  );
  const details = rows[0]?.details;
  if (typeof details !== 'string') return null;
  try {
    const name = (JSON.parse(details) as { archive?: unknown }).archive;
    if (typeof name === 'string' && (await adapter.exists(name))) return name;
  } catch {
    // A damaged history row: the caller falls back to the usual name.
  }
  return null;
}

/** The usual name of `database`'s archive, when such a database exists. */
async function usualArchive(adapter: StorageAdapter, database: string): Promise<string | null> {
  const fallback = archiveNameFor(database);
  return (await adapter.exists(fallback)) ? fallback : null;
}

/**
 * The name of a database's v1 archive: the one its latest migration recorded,
 * else the usual sibling name; null when there is none.
 *
 * @internal
 */
export async function archiveOf(adapter: StorageAdapter, database: string): Promise<string | null> {
  const db = await openDatabase(adapter, database, { readOnly: true });
  try {
    // A view under that name would run the file's own query: then there is no history.
    const observed = await observeSchema(db).catch(() => null);
    if (observed && standIns(observed).length) throw new Error('no history table');
    const name = await recordedArchive(adapter, db);
    if (name !== null) return name;
  } catch {
    // No history table or no readable row: fall back to the default archive name.
  } finally {
    await db.close();
  }
  return usualArchive(adapter, database);
}

/** An archive an open manager has read: its connection, `runs` columns and schema. */
export interface OpenArchive {
  db: Database;
  /** The columns of its `runs` table (none when it has no such table). */
  columns: string[];
  /** Its name in the container (`runs_v1_archive.db`). */
  name: string;
  schema: ObservedSchema;
}

/**
 * The archive of a manager's database. It is looked up and opened on first use
 * only (most managers never read it), then kept open until {@link close}.
 */
export class ArchiveLookup {
  private archive: OpenArchive | null = null;
  private opening: Promise<OpenArchive | null> | null = null;

  constructor(
    private readonly adapter: StorageAdapter,
    private readonly database: string,
    private readonly db: Executor,
    private readonly columns: ColumnCache,
  ) {}

  /** Name of the archive database, if one exists. */
  async name(): Promise<string | null> {
    // The manager's database was checked for stand-ins when it was opened.
    if (this.columns.of(TABLES.history.name).length) {
      const recorded = await recordedArchive(this.adapter, this.db);
      if (recorded !== null) return recorded;
    }
    return usualArchive(this.adapter, this.database);
  }

  /**
   * The archive, opened read-only on first use; null when there is none.
   * Questions asked at once (a page's list and count) share the one opening:
   * a second connection would leak, and an in-page container refuses it.
   */
  open(): Promise<OpenArchive | null> {
    this.opening ??= this.openOnce().catch((error: unknown) => {
      this.opening = null; // a failure is not remembered: the next question tries again
      throw error;
    });
    return this.opening;
  }

  private async openOnce(): Promise<OpenArchive | null> {
    const name = await this.name();
    if (!name) return null;
    const { db, schema } = await openArchiveDatabase(this.adapter, name, this.database);
    this.archive = { db, columns: schema.tables.runs?.map((c) => c.name) ?? [], name, schema };
    return this.archive;
  }

  /** The "run not found" error for `runId`, naming the archive when the run is there. */
  runNotFound(runId: string, operation: 'read' | 'write') {
    return runNotFound(
      runId,
      () => this.open(),
      (name) => this.adapter.describe(name),
      operation,
    );
  }

  /** Close the archive, if it was opened. */
  async close(): Promise<void> {
    await this.archive?.db.close();
  }
}
