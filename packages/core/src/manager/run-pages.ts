/**
 * Reading runs page by page (keyset on insertion order), from the active database
 * or its archive, so memory stays flat however many runs there are; and the
 * one-query-per-page check of which run ids a database holds, which lets a run
 * present in both databases be read once (the active copy) without ever loading
 * every id.
 */

import type { RunMetadata, RunSource } from '../columns/run-record.js';
import { asFilterError } from '../filter/engine-limits.js';
import type { Executor } from '../storage/database.js';
import { dropKey, keyOf, type RowOrder, rowOrderOf } from '../storage/keyset-pages.js';
import { existingRunIds } from './archive-union.js';
import { decodeRun, type ResolvedFilter, runsSelect } from './run-queries.js';

/**
 * Pages of the runs matching `filter` in `db`, in `order`: insertion order (the
 * rowid), or primary-key order for a table without rowid.
 */
export async function* pageRuns(
  db: Executor,
  columns: readonly string[],
  filter: ResolvedFilter,
  pageSize: number,
  source?: RunSource,
  order: RowOrder = rowOrderOf(null, 'runs'),
  /** Report values a write would store as other text (`normalised`): a dump's reads. */
  keepRaw = false,
): AsyncGenerator<RunMetadata[]> {
  let after: ResolvedFilter['after'];
  for (;;) {
    const query = runsSelect(
      columns,
      { ...filter, limit: pageSize, after },
      { cursor: order, dialect: db.dialect },
    );
    const rows = await db.all(query.sql, query.params).catch(asFilterError(filter.where));
    const runs: RunMetadata[] = [];
    for (const row of rows) {
      after = keyOf(order, row);
      dropKey(order, row);
      runs.push(decodeRun(row, source, keepRaw));
    }
    if (runs.length) yield runs;
    if (rows.length < pageSize) return;
  }
}

/**
 * Which of `runIds` the `runs` table of `db` holds: one `IN (...)` query per few
 * hundred ids (a page can hold more ids than a statement takes parameters).
 */
export function presentRunIds(db: Executor, runIds: readonly string[]): Promise<Set<string>> {
  return existingRunIds(db, runIds);
}
