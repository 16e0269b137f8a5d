/**
 * The values that cross the storage boundary: what a statement binds and what a
 * row holds. The bottom of core's layers, shared by every backend, so it
 * imports nothing.
 *
 * @packageDocumentation
 */

/** A value SQLite can store. */
export type SqlValue = string | number | bigint | Uint8Array | null;

/** Positional parameters for a statement's `?` placeholders. */
export type SqlParams = readonly SqlValue[];

/** A result row, keyed by column name (columns are always addressed by name). */
export type Row = Record<string, SqlValue>;

/**
 * A query's rows as value arrays, with the column names that say what each
 * position holds. Rows this way skip building one object per row; readers still
 * address every value through its column's name.
 */
export interface RowValues {
  columns: string[];
  rows: SqlValue[][];
}

/** Rows as objects made into {@link RowValues} (for a connection without `values`). */
export function toRowValues(rows: readonly Row[]): RowValues {
  const columns = rows[0] ? Object.keys(rows[0]) : [];
  return { columns, rows: rows.map((row) => columns.map((name) => row[name] as SqlValue)) };
}

/** What a write statement reports. */
export interface RunResult {
  changes: number;
}
