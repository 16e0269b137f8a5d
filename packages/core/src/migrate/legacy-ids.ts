/**
 * Legacy child ids. v2 child tables key their rows by an integer `id`; a legacy
 * file's `id` may hold duplicates, text or nothing at all, which v2 refuses, and
 * the user cannot be asked to fix an archived file by hand. So a child table
 * whose ids are not known to be unique integers is checked before the copy: if
 * they are not, its rows get new ids (in source order, so each run's rows keep
 * their recorded order) and the old ids are kept, as they were, in an added
 * `legacy_id` column. Nothing is lost, and the source stays as it was.
 *
 * @packageDocumentation
 */

import { TABLES, type TableDef } from '../columns/registry.js';
import { addColumnSql } from '../columns/sql.js';
import type { ObservedColumn, ObservedSchema } from '../sql/observed-schema.js';
import { quoteIdent } from '../sql/quote.js';
import { plainTypeName } from '../storage/copy-dialect.js';
import type { Executor } from '../storage/database.js';
import { type CarryOverCopy, carryOverCopy } from './carry-over-sql.js';

/** The column legacy ids are kept in (another name when the source has one). */
export function legacyIdColumn(source: readonly { name: string }[]): string {
  const taken = new Set(source.map((c) => c.name.toLowerCase()));
  let name = 'legacy_id';
  for (let n = 2; taken.has(name); n++) name = `legacy_id_${n}`;
  return name;
}

/**
 * Whether a table's `id` is its rowid (`INTEGER PRIMARY KEY` of a table with
 * rowid): then SQLite itself keeps every id a unique integer.
 */
function idIsRowid(table: string, source: readonly ObservedColumn[], schema: ObservedSchema) {
  const keys = source.filter((c) => c.primaryKey);
  return (
    !schema.withoutRowid?.includes(table) &&
    keys.length === 1 &&
    keys[0]!.name.toLowerCase() === 'id' &&
    keys[0]!.type.trim().toUpperCase() === 'INTEGER'
  );
}

/** Add to a child table's copy the variant that keeps legacy ids aside, when its ids need a check. */
export function withLegacyIds(
  copy: CarryOverCopy,
  table: TableDef,
  source: readonly ObservedColumn[],
  schema: ObservedSchema,
): CarryOverCopy {
  const id = source.find((c) => c.name.toLowerCase() === 'id');
  if (table === TABLES.runs || !id || idIsRowid(table.name, source, schema)) return copy;
  const column = legacyIdColumn(source);
  const type = plainTypeName(id.type);
  return {
    ...copy,
    legacyIds: {
      id,
      column,
      addColumn: addColumnSql(
        table.name,
        type ? `${quoteIdent(column)} ${type}` : quoteIdent(column),
      ),
      copy: carryOverCopy(table, source, copy.constants, copy.order, { [id.name]: column }),
    },
  };
}

/**
 * Whether the `id` values of `table` in `db` are not all distinct integers (a
 * duplicate, a null, text...): then its rows need new ids. Any backend.
 */
export async function needNewIds(
  db: Executor,
  table: string,
  id: ObservedColumn,
): Promise<boolean> {
  const [kinds] = await db.dialect.valueKinds(db, table, [id]);
  if ((kinds ?? []).some((kind) => kind !== 'integer')) return true;
  const [row] = await db.all(
    `SELECT count(*) AS n, count(DISTINCT ${quoteIdent(id.name)}) AS d FROM ${quoteIdent(table)}`,
  );
  return Number(row?.d ?? 0) < Number(row?.n ?? 0);
}
