/**
 * The part of a backend's SQL dialect that reads what a database holds: its
 * tables, columns, indexes and schema versions, and what a whole-database copy
 * needs to know about a table's values and order.
 */
import type { ObservedColumn, ObservedSchema } from '../sql/observed-schema.js';
import { quoteIdent } from '../sql/quote.js';
import type { StatementExecutor } from '../sql/statement-executor.js';

/** The storage class of a value as found in a table (SQLite's `typeof()`). */
export type ValueKind = 'integer' | 'real' | 'text' | 'blob';

/** Reads a database's catalog and the shape of its values. */
export interface SchemaIntrospector {
  /** Tables, columns, indexes and schema versions of an open database. */
  observeSchema(db: StatementExecutor): Promise<ObservedSchema>;
  /** The kinds of non-null value each of `columns` (as observed) holds in `table`. */
  valueKinds(
    db: StatementExecutor,
    table: string,
    columns: readonly ObservedColumn[],
  ): Promise<ValueKind[][]>;
  /**
   * The expression giving a table's insertion order (`_rowid_`), or null when the
   * table has none.
   */
  rowOrder(db: StatementExecutor, table: string): Promise<string | null>;
  /**
   * Whether `text`, read from `table.column` with U+FFFD in it, is exactly what is
   * stored there — false when the stored bytes were not UTF-8 and reading replaced
   * them. Optional: a server that stores only valid text needs no check.
   */
  textReadExactly?(
    db: StatementExecutor,
    table: string,
    column: string,
    text: string,
  ): Promise<boolean>;
  /**
   * Whether a plain index of `table` leads with `column` and orders it as
   * `column > ?` compares it, so that a {@link looseIndexScan} lists its
   * distinct values with one index lookup each. Optional: without it, no
   * question relies on a loose index scan.
   */
  indexedInOrder?(db: StatementExecutor, table: string, column: string): Promise<boolean>;
  /**
   * The b-tree indexes of `table` over every row and plain columns (no
   * condition, no expression), each as its column names in index order: what
   * a question may choose its statement's shape by. Only the speed depends on
   * it, never the answer. Optional: without it, questions take their general
   * shape.
   */
  plainIndexes?(db: StatementExecutor, table: string): Promise<string[][]>;
}

/**
 * The distinct non-null values of `table.column` (as `x`), smallest first, read
 * as a loose index scan: the index is asked for the next larger value once per
 * distinct value, instead of walking every row's entry (`SELECT DISTINCT` reads
 * all million at 1M runs). Only exact where {@link SchemaIntrospector.indexedInOrder}
 * says so. `table` and `column` are SQL names, quoted here.
 */
export function looseIndexScan(table: string, column: string): string {
  const t = quoteIdent(table);
  const c = quoteIdent(column);
  return `WITH RECURSIVE "next"("x") AS (
       SELECT (SELECT min(${c}) FROM ${t} WHERE ${c} IS NOT NULL)
       UNION ALL
       SELECT (SELECT min(${c}) FROM ${t} WHERE ${c} > "next"."x") FROM "next" WHERE "next"."x" IS NOT NULL
     ) SELECT "x" FROM "next" WHERE "x" IS NOT NULL`;
}

/**
 * Distinct non-null `runs.schema_version` values, for any dialect: the column is
 * read as text, so `2` and `'2.0'` both count.
 */
export async function schemaVersions(
  db: StatementExecutor,
  tables: ObservedSchema['tables'],
): Promise<string[]> {
  if (!tables.runs?.some((c) => c.name === 'schema_version')) return [];
  const rows = await db.all<{ v: string }>(
    'SELECT DISTINCT CAST(schema_version AS TEXT) AS v FROM "runs" WHERE schema_version IS NOT NULL',
  );
  return rows.map((r) => r.v).sort();
}

/**
 * Index rows (`i` the index, `c` a column or null for an expression, in index
 * order) as {@link SchemaIntrospector.plainIndexes} lists them: an index with
 * an expression is left out.
 */
export function plainColumnLists(rows: readonly { i: string; c: string | null }[]): string[][] {
  const byIndex = new Map<string, (string | null)[]>();
  for (const row of rows) byIndex.set(row.i, [...(byIndex.get(row.i) ?? []), row.c]);
  return [...byIndex.values()].filter((cols): cols is string[] => cols.every((c) => c !== null));
}
