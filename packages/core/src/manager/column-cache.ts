/**
 * The columns each table of an open database actually has. Deployed databases
 * differ (a `runs` table with or without `summary`, `started_at`...), so every
 * statement is built from what was observed, not from the registry alone. A
 * known column a write needs is added on demand — additive, recorded in the
 * history table — and the cache follows the database through rollbacks.
 *
 * @packageDocumentation
 */
import { type ColumnDef, RUN_COLUMNS, TABLES, type TableDef } from '../columns/registry.js';
import { encodeFields } from '../columns/rows.js';
import { addColumnSql, columnDefinitionSql, insertSql } from '../columns/sql.js';
import { observeSchema } from '../migrate/observe.js';
import { nowIso } from '../schema/values.js';
import type { ObservedSchema } from '../sql/observed-schema.js';
import type { SqlValue } from '../sql/values.js';
import type { Database, Executor } from '../storage/database.js';
import { SDK_VERSION } from '../version.js';

/** The column cache of one open database. */
export class ColumnCache {
  /** Columns each table actually has (observed), by table name. */
  private columns = new Map<string, string[]>();
  /** Whether `runs.run_id` is the table's key (so the engine itself refuses duplicates). */
  runIdIsKey = false;
  /** The schema as last observed (row orders, tables without rowid). */
  observed: ObservedSchema | undefined;
  /** Whether the current write transaction added a column. */
  private changed = false;

  /** Observe `db` (or take the schema just observed) and cache its columns. */
  async refresh(db: Executor, observed?: ObservedSchema): Promise<void> {
    const schema = observed ?? (await observeSchema(db));
    this.observed = schema;
    const keys = (schema.tables.runs ?? []).filter((c) => c.primaryKey).map((c) => c.name);
    this.runIdIsKey = keys.length === 1 && keys[0] === 'run_id';
    this.columns = new Map(
      Object.entries(schema.tables).map(([t, cols]) => [t, cols.map((c) => c.name)]),
    );
  }

  /** The columns `table` has (none when it does not exist). */
  of(table: string): string[] {
    return this.columns.get(table) ?? [];
  }

  /** Whether the database has `table`. */
  has(table: string): boolean {
    return this.columns.has(table);
  }

  /** The tables the database has. */
  tables(): string[] {
    return [...this.columns.keys()];
  }

  /**
   * A write transaction. A known column added on demand inside it is put in the
   * column cache at once (later statements need it); if the transaction then
   * rolls back, so does the ALTER, and the cache is re-read from the database.
   */
  async write<T>(db: Database, fn: (tx: Executor) => Promise<T>): Promise<T> {
    try {
      return await db.transaction(fn);
    } catch (error) {
      if (this.changed) await this.refresh(db);
      throw error;
    } finally {
      this.changed = false;
    }
  }

  /**
   * Encode fields for `runs`. Canonical columns always exist; a deployed column
   * (started_at, summary, ...) is written only where the table has it — except
   * when the caller explicitly sets a value, which adds the column (additive).
   */
  async encodeRunFields(
    tx: Executor,
    fields: Record<string, unknown>,
    mirrored: readonly string[] = ['startedAt', 'completedAt'],
  ): Promise<{ columns: string[]; params: SqlValue[] }> {
    const columns = this.of('runs');
    const values: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(fields)) {
      const column = (RUN_COLUMNS as Record<string, ColumnDef>)[field];
      if (!column || value === undefined) continue;
      if (!columns.includes(column.name)) {
        if (mirrored.includes(field) || value === null) continue;
        await this.addColumn(tx, TABLES.runs, column);
      }
      values[field] = value;
    }
    return encodeFields(TABLES.runs, values);
  }

  /** Add a known column on demand, recorded in the history table. */
  private addColumn(tx: Executor, table: TableDef, column: ColumnDef): Promise<void> {
    return this.addDeclaredColumn(
      tx,
      table.name,
      column.name,
      columnDefinitionSql({ ...column, notNull: false }, tx.dialect),
    );
  }

  /**
   * Add the column `name` to `table` inside a write transaction ({@link write}),
   * declared by `definition` (its whole clause, name first), and record it in the
   * history table. An import adds the columns its runs bring this way.
   */
  async addDeclaredColumn(
    tx: Executor,
    table: string,
    name: string,
    definition: string,
  ): Promise<void> {
    await tx.run(addColumnSql(table, definition));
    if (this.of(TABLES.history.name).length) {
      await tx.run(
        insertSql(TABLES.history.name, [
          'applied_at',
          'kind',
          'from_version',
          'to_version',
          'details',
          'sdk_version',
        ]),
        [
          nowIso(),
          'add-columns',
          '2.0',
          '2.0',
          JSON.stringify({ addedColumns: [`${table}.${name}`] }),
          SDK_VERSION,
        ],
      );
    }
    this.columns.set(table, [...this.of(table), name]);
    this.changed = true;
  }
}
