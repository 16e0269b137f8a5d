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

/** What a write statement reports. */
export interface RunResult {
  changes: number;
}
