/**
 * The order rows are read in, page by page. A table with a rowid is read in
 * insertion order (`_rowid_`, one seek per page). A table without one (SQLite's
 * `WITHOUT ROWID`, which legacy files may use) is read in primary-key order — its
 * key is unique and never null, so keyset paging over it sees every row once.
 *
 * @packageDocumentation
 */
import { quoteIdent } from '../sql/quote.js';
import type { SqlValue } from '../storage/adapter.js';
import type { ObservedSchema } from './observe.js';

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
