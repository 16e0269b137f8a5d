/**
 * SQL derived from the column registry. Identifiers are always quoted (names in
 * a foreign database can be anything) and values always go through `?`
 * placeholders; nothing here concatenates a value into SQL.
 */

import { quoteIdent } from '../sql/quote.js';
import type { DdlDialect } from './ddl-dialect.js';
import {
  CHILD_TABLES,
  type ColumnDef,
  canonicalColumns,
  TABLES,
  type TableDef,
} from './registry.js';
import { sqliteDdl } from './sqlite-ddl.js';

/** The column clause of a CREATE TABLE / ALTER TABLE ADD COLUMN, in the given dialect. */
export function columnDefinitionSql(
  column: ColumnDef,
  dialect: DdlDialect = sqliteDdl,
  /** A declared type to use instead of the registry's (a legacy column kept as it was). */
  typeOverride?: string,
): string {
  if (column.primaryKey === 'autoincrement')
    return `${quoteIdent(column.name)} ${dialect.autoincrementKey}`;
  const parts = [quoteIdent(column.name), typeOverride ?? dialect.columnType(column.sqlType)];
  if (column.primaryKey === 'plain') parts.push('PRIMARY KEY');
  if (column.notNull) parts.push('NOT NULL');
  if (column.defaultSql !== undefined) parts.push(`DEFAULT ${column.defaultSql}`);
  return parts.join(' ');
}

/** `CREATE TABLE IF NOT EXISTS` for a table with the given columns, in the given dialect. */
export function createTableSql(
  table: TableDef,
  columns: readonly ColumnDef[] = canonicalColumns(table),
  dialect: DdlDialect = sqliteDdl,
  /** Column name → declared type to use instead of the registry's. */
  typeOverrides: Readonly<Record<string, string>> = {},
): string {
  const lines = columns.map((c) => `  ${columnDefinitionSql(c, dialect, typeOverrides[c.name])}`);
  if (dialect.rowOrderColumn) lines.push(`  ${dialect.rowOrderColumn}`);
  for (const c of columns) {
    if (!c.references || !dialect.foreignKeys) continue;
    const [target, targetColumn] = c.references.replace(')', '').split('(') as [string, string];
    lines.push(
      `  FOREIGN KEY (${quoteIdent(c.name)}) REFERENCES ${quoteIdent(target)}(${quoteIdent(targetColumn)})`,
    );
  }
  return `CREATE TABLE IF NOT EXISTS ${quoteIdent(table.name)} (\n${lines.join(',\n')}\n)`;
}

/** Name of the index runmeta creates on a column. */
export function indexName(table: TableDef, column: ColumnDef): string {
  return `idx_${table.name}_${column.name}`;
}

/**
 * The indexes runmeta keeps on `table` over `columns` (its canonical ones by
 * default): each indexed column's own, then the table's composite indexes whose
 * columns are all among `columns`.
 */
export function indexesOf(
  table: TableDef,
  columns: readonly ColumnDef[] = canonicalColumns(table),
): { name: string; columns: readonly string[]; replaces?: string }[] {
  const names = new Set(columns.map((c) => c.name));
  return [
    ...columns
      .filter((c) => c.indexed)
      .map((c) => ({ name: indexName(table, c), columns: [c.name] })),
    ...(table.indexes ?? []).filter((index) => index.columns.every((c) => names.has(c))),
  ];
}

/** Whether the `existing` indexes hold the older form of `index` (see `CompositeIndex.replaces`). */
export function olderFormIn(index: { replaces?: string }, existing: readonly string[]): boolean {
  return index.replaces !== undefined && existing.includes(index.replaces);
}

/**
 * `CREATE INDEX IF NOT EXISTS` for each of {@link indexesOf}, but one whose
 * older form is among the `existing` indexes ({@link olderFormIn}).
 */
export function createIndexSql(
  table: TableDef,
  columns: readonly ColumnDef[] = canonicalColumns(table),
  existing: readonly string[] = [],
): string[] {
  return indexesOf(table, columns)
    .filter((index) => !olderFormIn(index, existing))
    .map(
      (index) =>
        `CREATE INDEX IF NOT EXISTS ${quoteIdent(index.name)} ON ${quoteIdent(table.name)} (${index.columns.map(quoteIdent).join(', ')})`,
    );
}

/**
 * `ANALYZE` of a table: the query planner's statistics, gathered where its
 * indexes were just built (carry-over, repair). Without them SQLite takes any
 * equality on an indexed column as selective, so `status = 'completed'` on a
 * million runs walks 880,000 index entries and their rows (0.45 s) where a
 * covering index answers in 0.13 s. The same statement on PostgreSQL, which
 * also wants statistics after a bulk load. About 0.8 s for a million runs here.
 */
export function analyzeSql(table: TableDef): string {
  return `ANALYZE ${quoteIdent(table.name)}`;
}

/** `ALTER TABLE … ADD COLUMN` for one column (additive repair). */
export function addColumnSql(table: string, definition: string): string {
  return `ALTER TABLE ${quoteIdent(table)} ADD COLUMN ${definition}`;
}

/**
 * The DDL of a fresh database of the given version, split in tables and
 * indexes (a bulk copy runs between the two, which is much faster than
 * maintaining indexes row by row). v2: `runs`, the three child tables, the
 * migration-history table and their indexes. v1: the documented 21-column schema
 * (used to build v1 databases for tests and the demo), without indexes.
 */
export function schemaDdlParts(
  version: 'v1' | 'v2',
  dialect: DdlDialect = sqliteDdl,
): { tables: string[]; indexes: string[] } {
  const tables =
    version === 'v2'
      ? [TABLES.runs, ...CHILD_TABLES, TABLES.history]
      : [TABLES.runs, ...CHILD_TABLES];
  return {
    tables: tables.map((table) => createTableSql(table, canonicalColumns(table, version), dialect)),
    indexes:
      version === 'v2'
        ? tables.flatMap((table) => createIndexSql(table, canonicalColumns(table, version)))
        : [],
  };
}

/** All DDL of a fresh database of the given version (tables, then indexes). */
export function schemaDdl(version: 'v1' | 'v2', dialect: DdlDialect = sqliteDdl): string[] {
  const { tables, indexes } = schemaDdlParts(version, dialect);
  return [...tables, ...indexes];
}

/** `INSERT INTO t (a, b) VALUES (?, ?)`, optionally upserting on a key column. */
export function insertSql(table: string, columns: readonly string[], upsertKey?: string): string {
  const names = columns.map(quoteIdent).join(', ');
  const marks = columns.map(() => '?').join(', ');
  let sql = `INSERT INTO ${quoteIdent(table)} (${names}) VALUES (${marks})`;
  if (upsertKey) {
    const updates = columns
      .filter((c) => c !== upsertKey)
      .map((c) => `${quoteIdent(c)} = excluded.${quoteIdent(c)}`);
    sql += ` ON CONFLICT(${quoteIdent(upsertKey)}) DO ${updates.length ? `UPDATE SET ${updates.join(', ')}` : 'NOTHING'}`;
  }
  return sql;
}

/** `UPDATE t SET a = ?, b = ? WHERE key = ?`. */
export function updateSql(table: string, columns: readonly string[], key: string): string {
  const sets = columns.map((c) => `${quoteIdent(c)} = ?`).join(', ');
  return `UPDATE ${quoteIdent(table)} SET ${sets} WHERE ${quoteIdent(key)} = ?`;
}

/**
 * ` RETURNING "a", "b"`: a write hands back the row it stored, so a caller needs
 * no second read (SQLite ≥ 3.35 and PostgreSQL both support it).
 */
export function returningSql(columns: readonly string[]): string {
  return ` RETURNING ${columns.map(quoteIdent).join(', ')}`;
}

/** `SELECT "a", "b" FROM t` over exactly the given (observed) columns. */
export function selectSql(table: string, columns: readonly string[], alias?: string): string {
  const prefix = alias ? `${quoteIdent(alias)}.` : '';
  return `SELECT ${columns.map((c) => prefix + quoteIdent(c)).join(', ')} FROM ${quoteIdent(table)}${alias ? ` AS ${quoteIdent(alias)}` : ''}`;
}
