/**
 * Raw SQL helpers of the conformance suites: read and write a database around
 * the manager (as another tool would), and seed a documented v1 database.
 */
import { insertSql, schemaDdl } from '../../columns/sql.js';
import type { Row, SqlValue } from '../../sql/values.js';
import type { StorageAdapter } from '../../storage/adapter.js';
import { openDatabase } from '../../storage/open-database.js';
import type { SqlDialect } from '../../storage/sql-dialect.js';
import { sqliteDialect } from '../../storage/sqlite/sqlite-dialect.js';

export const DB = 'runs.db';

export const dialectOf = (adapter: StorageAdapter): SqlDialect => adapter.dialect ?? sqliteDialect;
/** Whether `writeBytes` stores an image verbatim (a file) rather than importing it (a server). */
export const exactBytes = (adapter: StorageAdapter) => adapter.capabilities.exactBytes !== false;

/** Rows of a raw query, without the insertion-order column a server keeps as `_rowid_`. */
export async function raw(
  adapter: StorageAdapter,
  name: string,
  sql: string,
  params: SqlValue[] = [],
): Promise<Row[]> {
  const db = await openDatabase(adapter, name);
  try {
    const rows = await db.all(sql, params);
    if (db.dialect.rowOrderColumn) for (const row of rows) delete row._rowid_;
    return rows;
  } finally {
    await db.close();
  }
}

/** Run statements on a raw connection; `legacy` allows what legacy files hold (orphan rows). */
export async function rawExec(
  adapter: StorageAdapter,
  name: string,
  statements: [string, SqlValue[]?][],
  options: { legacy?: boolean } = {},
): Promise<void> {
  const db = await openDatabase(adapter, name);
  try {
    if (options.legacy) await db.dialect.beforeBulkCopy?.(db);
    for (const [sql, params] of statements) await db.run(sql, params ?? []);
  } finally {
    await db.close();
  }
}

/** A documented-v1 database with a few runs and child rows, made through SQL only. */
export async function seedDocumentedV1(
  adapter: StorageAdapter,
  name = DB,
  runs = 5,
): Promise<void> {
  const statements: [string, SqlValue[]?][] = schemaDdl('v1', dialectOf(adapter)).map((sql) => [
    sql,
  ]);
  for (let i = 0; i < runs; i++) {
    statements.push([
      insertSql('runs', [
        'run_id',
        'template_id',
        'created_at',
        'updated_at',
        'causal_mode',
        'entities_created',
        'timepoints_created',
        'tokens_used',
        'cost_usd',
        'status',
        'goal',
      ]),
      [
        `v1_run_${i}`,
        `tpl_${i % 2}`,
        `2024-01-0${i + 1}T10:00:00`,
        `2024-01-0${i + 1}T11:00:00`,
        i % 2 ? 'portal' : 'forward',
        3,
        2,
        i === 0 ? 0 : 1000 * i,
        0.01 * i,
        'completed',
        `goal ${i}`,
      ],
    ]);
    statements.push([
      insertSql('resolution_assignments', [
        'run_id',
        'entity_id',
        'resolution',
        'timepoint_id',
        'timestamp',
      ]),
      [`v1_run_${i}`, 'e1', 'DIALOG', 'tp1', `2024-01-0${i + 1}T10:30:00`],
    ]);
    statements.push([
      insertSql('mechanism_usage', [
        'run_id',
        'mechanism',
        'function_name',
        'timestamp',
        'context',
      ]),
      [`v1_run_${i}`, 'M3', 'seed', `2024-01-0${i + 1}T10:31:00`, '{"a":1}'],
    ]);
  }
  await rawExec(adapter, name, statements);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
