/**
 * The orders a run list can take (`runmeta runs list --sort`). Time orders are
 * the database's (it also applies the limit); the others sort the filtered runs
 * here, largest first.
 *
 * @packageDocumentation
 */

import type { RunMetadata } from '../columns/run-record.js';
import type { MetadataManager } from '../manager/metadata-manager.js';
import type { RunFilter } from '../schema/run-metadata.js';

/** The orders of a run list. */
export const RUN_SORTS = ['oldest', 'newest', 'cost', 'tokens', 'compliance'] as const;

/** One order of a run list. */
export type RunSort = (typeof RUN_SORTS)[number];

/** Comparators of the orders sorted in memory; `null` for the time orders the database applies. */
const COMPARATORS: Record<RunSort, ((a: RunMetadata, b: RunMetadata) => number) | null> = {
  oldest: null,
  newest: null,
  cost: (a, b) => (b.costUsd ?? 0) - (a.costUsd ?? 0),
  tokens: (a, b) => (b.tokensUsed ?? 0) - (a.tokensUsed ?? 0),
  // A run without a compliance sorts after every run that has one.
  compliance: (a, b) => (b.tokenBudgetCompliance ?? -1) - (a.tokenBudgetCompliance ?? -1),
};

/**
 * Runs in the given order: by cost, tokens or compliance largest first (ties
 * keep their order; a missing cost or token count counts 0). The time orders
 * return the runs as given: they come from the database in that order.
 */
export function sortRuns(runs: readonly RunMetadata[], sort: RunSort): RunMetadata[] {
  const comparator = COMPARATORS[sort];
  return comparator ? [...runs].sort(comparator) : [...runs];
}

/**
 * The runs `filter` selects, in the order `sort`, at most `limit` of them. In a
 * time order the database orders and limits; the other orders read every
 * matching run, sort, then cut.
 */
export async function listRuns(
  manager: Pick<MetadataManager, 'getAllRuns'>,
  filter: Omit<RunFilter, 'order' | 'limit'>,
  options: { sort: RunSort; limit?: number | undefined },
): Promise<RunMetadata[]> {
  const { sort, limit } = options;
  const inDatabase = COMPARATORS[sort] === null;
  const runs = await manager.getAllRuns({
    ...filter,
    order: sort === 'newest' ? 'newest-first' : 'oldest-first',
    ...(inDatabase ? { limit } : {}),
  });
  const sorted = sortRuns(runs, sort);
  return limit === undefined ? sorted : sorted.slice(0, limit);
}
