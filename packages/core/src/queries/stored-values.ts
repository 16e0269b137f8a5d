/**
 * What an enum column (status, causal mode) holds, so that a filter on it can
 * use its index. Reads fold an enum as they decode it (`FAILED ` stored by hand
 * is `failed`), and a filter written as that fold — `lower(trim(status)) = ?` —
 * is exact but no index can answer it: at a million runs SQLite walks the rows
 * in another index's order instead (`cost_usd > 0.5 and status = 'completed'`:
 * 2.3 s against 0.4 s through the status index). The same filter over the few
 * values actually stored — `status IN ('completed', 'Completed ')` — finds the
 * same runs through the index.
 *
 * @packageDocumentation
 */

import { columnByName, TABLES } from '../columns/registry.js';
import type { FoldedValues } from '../filter/folded-values.js';
import type { RunsView } from '../manager/runs-view.js';
import type { SqlValue } from '../sql/values.js';
import { looseIndexScan } from '../storage/schema-introspector.js';

/** More distinct stored values than this, and the filter keeps the fold (a long `IN` list gains nothing). */
const MOST_VALUES = 64;

/**
 * The stored values, each with its fold as SQL computes it, of the enum columns
 * among `columns` that the view's one table indexes in order; the others are
 * left out (their filters keep the fold). Nothing for a view joining the
 * archive: the union has no index to gain.
 *
 * The values are read just before the question's statement, not in its
 * transaction: a run written in between with a never-seen spelling of a status
 * can be missed by that one answer, as if it had been written just after.
 */
export async function storedEnumValues(
  view: RunsView,
  columns: readonly string[],
): Promise<FoldedValues> {
  const found: Record<string, { stored: SqlValue; folded: SqlValue }[]> = {};
  const { table, db } = view;
  if (table === null || !db.dialect.indexedInOrder) return found;
  for (const column of new Set(columns)) {
    if (!columnByName(TABLES.runs, column)?.enumValues || !view.columns.includes(column)) continue;
    if (!(await db.dialect.indexedInOrder(db, table, column))) continue;
    const rows = await db.all<{ x: SqlValue; folded: SqlValue }>(
      `SELECT "x", lower(trim("x")) AS "folded" FROM (${looseIndexScan(table, column)}) AS "s" LIMIT ${MOST_VALUES + 1}`,
    );
    if (rows.length <= MOST_VALUES)
      found[column] = rows.map((r) => ({ stored: r.x, folded: r.folded }));
  }
  return found;
}
