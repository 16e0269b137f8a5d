/**
 * Reading runs page by page (keyset on insertion order), from the active database
 * or its archive, so memory stays flat however many runs there are; and the
 * one-query-per-page check of which run ids a database holds, which lets a run
 * present in both databases be read once (the active copy) without ever loading
 * every id.
 */

import { asFilterError } from '../filter/engine-limits.js';
import type { RunMetadata, RunSource } from '../schema/run-metadata.js';
import type { Executor } from '../storage/database.js';
import { existingRunIds } from './archive-union.js';
import { CURSOR_COLUMN, decodeRun, type ResolvedFilter, runsSelect } from './run-queries.js';

/** Pages of the runs matching `filter` in `db`, in insertion order. */
export async function* pageRuns(
  db: Executor,
  columns: readonly string[],
  filter: ResolvedFilter,
  pageSize: number,
  source?: RunSource,
): AsyncGenerator<RunMetadata[]> {
  let afterRowid: ResolvedFilter['afterRowid'];
  for (;;) {
    const query = runsSelect(
      columns,
      { ...filter, limit: pageSize, afterRowid },
      { cursor: true, dialect: db.dialect },
    );
    const rows = await db.all(query.sql, query.params).catch(asFilterError(filter.where));
    const runs: RunMetadata[] = [];
    for (const row of rows) {
      afterRowid = row[CURSOR_COLUMN] ?? null;
      delete row[CURSOR_COLUMN];
      runs.push(decodeRun(row, source));
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
