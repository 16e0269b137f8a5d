/**
 * Reading a table page by page by key (keyset paging), and copying it that way:
 * one module for every copy that pages through a table — carry-over into the
 * aside database, the archive carry-over's survey, backfill, and the
 * cross-backend copy (`copy.ts`).
 *
 * Keyset paging reads each page as "the rows after the last key seen", so every
 * page costs one index seek however deep into the table it is (an `OFFSET`
 * would rescan), and a cancelled copy stops cleanly between two pages.
 *
 * The key is the row order. A table with a rowid is read in insertion order
 * (`_rowid_`, one seek per page). A table without one (SQLite's `WITHOUT ROWID`,
 * which legacy files may use) is read in primary-key order — its key is unique
 * and never null, so keyset paging over it sees every row once.
 *
 * @packageDocumentation
 */

import type { ObservedSchema } from '../sql/observed-schema.js';
import { quoteIdent } from '../sql/quote.js';
import type { Row, SqlValue } from '../sql/values.js';
import type { Executor } from './database.js';

/** How to page over one table: the expressions ordering it, and their aliases in a page's rows. */
export interface RowOrder {
  /** SQL expressions, most significant first (`_rowid_`, or the quoted key columns). */
  key: string[];
  /** Whether `key` is the rowid (a single integer, so pages can be rowid ranges). */
  rowid: boolean;
  /** Column aliases under which a page's rows carry the key values. */
  aliases: string[];
}

/** The first alias is the one pages always used for the rowid. */
const alias = (i: number) => (i === 0 ? '__runmeta_rowid' : `__runmeta_key${i}`);

/** The row order of `table` as observed (the rowid unless the table has none). */
export function rowOrderOf(schema: ObservedSchema | null | undefined, table: string): RowOrder {
  if (schema?.withoutRowid?.includes(table)) {
    const key = (schema.tables[table] ?? []).filter((c) => c.primaryKey).map((c) => c.name);
    if (key.length)
      return { key: key.map(quoteIdent), rowid: false, aliases: key.map((_, i) => alias(i)) };
  }
  return { key: ['_rowid_'], rowid: true, aliases: [alias(0)] };
}

/** `, k0 AS a0, k1 AS a1`: the key values selected with a page's columns. */
export function keySelect(order: RowOrder): string {
  return order.key.map((k, i) => `${k} AS ${quoteIdent(order.aliases[i]!)}`).join(', ');
}

/** `k > ?` or `(k0, k1) > (?, ?)`: rows after a page's last key. */
export function keyAfter(order: RowOrder): string {
  if (order.key.length === 1) return `${order.key[0]} > ?`;
  return `(${order.key.join(', ')}) > (${order.key.map(() => '?').join(', ')})`;
}

/** ` ORDER BY k0, k1`. */
export function keyOrderBy(order: RowOrder): string {
  return ` ORDER BY ${order.key.join(', ')}`;
}

/** The key values of a row (a page's last row: the next page starts after them). */
export function keyOf(order: RowOrder, row: Record<string, SqlValue>): SqlValue[] {
  return order.aliases.map((a) => row[a] ?? null);
}

/** Remove the key values from a row read with {@link keySelect}. */
export function dropKey(order: RowOrder, row: Record<string, SqlValue>): void {
  for (const a of order.aliases) delete row[a];
}

/**
 * The two reads of keyset paging over `from` in `order`, selecting the key
 * values and then `columns` (SQL, already quoted): `first` (parameter: the page
 * size) and `next`, the page after a key (parameters: its values, then the page
 * size).
 */
export function keysetSelects(
  order: RowOrder,
  columns: string,
  from: string,
): { first: string; next: string } {
  const read = `SELECT ${keySelect(order)}, ${columns} FROM ${from}`;
  return {
    first: `${read}${keyOrderBy(order)} LIMIT ?`,
    next: `${read} WHERE ${keyAfter(order)}${keyOrderBy(order)} LIMIT ?`,
  };
}

/** A table read page by page. */
export interface KeysetReader {
  /** Reads the first page (`after` null) or the page after the key `after`; at most `pageSize` rows. */
  read: (after: SqlValue[] | null) => Promise<Row[]>;
  /** The key of a row; null when there is no order to page by, so `read(null)` returns every row. */
  keyOf: ((row: Row) => SqlValue[]) | null;
  pageSize: number;
}

/**
 * The pages of a table, each read after the last key of the one before; a page
 * shorter than the page size is the last. Empty pages are never yielded.
 */
export async function* keysetPages({ read, keyOf, pageSize }: KeysetReader): AsyncGenerator<Row[]> {
  let after: SqlValue[] | null = null;
  for (;;) {
    const rows = await read(after);
    if (rows.length === 0) return;
    // Taken before the page is handed out, so a caller may change its rows.
    const next = keyOf && rows.length >= pageSize ? keyOf(rows[rows.length - 1]!) : null;
    yield rows;
    if (next === null) return;
    after = next;
  }
}

/** A table copied page by page (see {@link copyKeysetPages}). */
export interface KeysetCopy {
  /** Where the rows come from. */
  source: KeysetReader;
  /** Where they go, and the statement inserting one row. */
  target: Executor;
  insert: string;
  /** The insert's parameters for one source row. */
  params: (row: Row) => SqlValue[];
  /** Checks a page before it is written (`before`: rows copied before it); throws to stop. */
  check?: (rows: Row[], before: number) => Promise<void>;
  /** Called after each page with the rows copied so far. */
  onPage: (copied: number) => void;
  /** Called between pages: throws an `InterruptedError` once the work was cancelled. */
  pause: () => Promise<void>;
}

/**
 * Copy a table page by page: read a page by key, check it, insert it with one
 * `runMany`, report, pause. Returns the rows copied. Runs in whatever
 * transaction `target` is in: the caller decides what a failure undoes.
 */
export async function copyKeysetPages(copy: KeysetCopy): Promise<number> {
  let copied = 0;
  for await (const rows of keysetPages(copy.source)) {
    await copy.check?.(rows, copied);
    await copy.target.runMany(copy.insert, rows.map(copy.params));
    copied += rows.length;
    copy.onPage(copied);
    await copy.pause();
  }
  return copied;
}
