/**
 * Backfill's parameters, one page at a time: the v2 metrics a page of v1 runs
 * allows (`metricsFromV1`, the same function snapshots of v1 runs use), from
 * their rows and their resolution assignments as stored.
 */
import type { EntityLevel } from '../metrics/fidelity.js';
import { metricsFromV1 } from '../metrics/v1-metrics.js';
import type { Row, SqlValue } from '../storage/adapter.js';

/** The columns backfill sets, in the order of {@link backfillParams}' values. */
export const BACKFILLED_COLUMNS = [
  'actual_tokens_used',
  'fidelity_efficiency_score',
  'fidelity_distribution',
] as const;

const numberOrNull = (value: SqlValue | undefined) =>
  value === null || value === undefined ? null : Number(value);

/**
 * `[actual_tokens_used, fidelity_efficiency_score, fidelity_distribution, run_id]`
 * for each run of a page (`run_id`, `entities_created`, `timepoints_created`,
 * `tokens_used`), given the page's assignments (`id`, `run_id`, `entity_id`,
 * `resolution`, `timestamp`).
 */
export function backfillParams(runs: readonly Row[], assignments: readonly Row[]): SqlValue[][] {
  const byRun = new Map<string, EntityLevel[]>();
  for (const a of assignments) {
    const list = byRun.get(String(a.run_id)) ?? [];
    list.push({
      entityId: String(a.entity_id),
      resolution: a.resolution === null ? null : String(a.resolution),
      timestamp: a.timestamp === null ? null : String(a.timestamp),
      id: numberOrNull(a.id),
    });
    byRun.set(String(a.run_id), list);
  }
  return runs.map((run) => {
    const metrics = metricsFromV1(
      {
        entitiesCreated: numberOrNull(run.entities_created),
        timepointsCreated: numberOrNull(run.timepoints_created),
        tokensUsed: numberOrNull(run.tokens_used),
      },
      byRun.get(String(run.run_id)) ?? [],
    );
    return [
      metrics.actualTokensUsed,
      metrics.fidelityEfficiencyScore,
      metrics.fidelityDistribution ? JSON.stringify(metrics.fidelityDistribution) : null,
      run.run_id ?? null,
    ];
  });
}
