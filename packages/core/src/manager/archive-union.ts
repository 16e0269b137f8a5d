/**
 * Runs of the active database and its archive as one list. After a carry-over
 * the same run is in both: it is one run, the active copy, whether or not that
 * copy matches the filter (an archived copy of a run closed since is stale, not
 * a second run). So archived copies are dropped first, and the filter's order
 * and limit apply to what is left.
 */
import type { RunMetadata } from '../columns/run-record.js';
import type { Executor } from '../storage/database.js';
import { mergeOldestFirst, type ResolvedFilter } from './run-queries.js';

/** Ids per `IN (…)` query: well under every backend's parameter limit. */
export const ID_BATCH = 500;

/** Which of `runIds` the `runs` table of `db` holds. */
export async function existingRunIds(
  db: Executor,
  runIds: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < runIds.length; i += ID_BATCH) {
    const batch = runIds.slice(i, i + ID_BATCH);
    const rows = await db.all(
      `SELECT "run_id" FROM "runs" WHERE "run_id" IN (${batch.map(() => '?').join(', ')})`,
      batch,
    );
    for (const row of rows) found.add(String(row.run_id));
  }
  return found;
}

/**
 * Archived runs matching a filter that the active database does not hold, in the
 * filter's order, at most `filter.limit` of them. `select` reads one ordered page
 * of the archive (limit and offset given); pages are read until enough runs are
 * left after dropping the active ones, so a limit never reads the whole archive.
 */
export async function archivedOnly(
  active: Executor,
  filter: ResolvedFilter,
  select: (page: ResolvedFilter) => Promise<RunMetadata[]>,
): Promise<RunMetadata[]> {
  if (filter.limit === undefined) {
    const all = await select({ ...filter, limit: undefined });
    const inActive = await existingRunIds(
      active,
      all.map((run) => run.runId),
    );
    return all.filter((run) => !inActive.has(run.runId));
  }
  const kept: RunMetadata[] = [];
  const pageSize = Math.min(Math.max(ID_BATCH, filter.limit * 2), 10_000);
  for (let offset = 0; kept.length < filter.limit; offset += pageSize) {
    const page = await select({ ...filter, limit: pageSize, offset });
    const inActive = await existingRunIds(
      active,
      page.map((run) => run.runId),
    );
    for (const run of page) if (!inActive.has(run.runId)) kept.push(run);
    if (page.length < pageSize) break;
  }
  return kept.slice(0, filter.limit);
}

/** Active and archived runs merged in the filter's order, limited. */
export function unionInOrder(
  active: RunMetadata[],
  archived: RunMetadata[],
  filter: ResolvedFilter,
): RunMetadata[] {
  const merged = mergeOldestFirst(active, archived);
  if (filter.order === 'newest-first') merged.reverse();
  return filter.limit !== undefined ? merged.slice(0, filter.limit) : merged;
}
