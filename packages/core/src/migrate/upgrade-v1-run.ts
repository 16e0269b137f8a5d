/**
 * The record upgrade of a v1 run, as a pure function (drizzle-kit keeps an
 * `updateUpToV6(json)` beside each old snapshot; this is runmeta's): the v2
 * fields a v1 run's own data determines, from its row and its resolution
 * assignments as stored. Backfill applies it page by page (`backfillParams`);
 * the table migration around it (SQL steps) lives in the planner.
 *
 * @packageDocumentation
 */
import type { EntityLevel } from '../metrics/fidelity.js';
import { metricsFromV1 } from '../metrics/v1-metrics.js';
import type { Row, SqlValue } from '../sql/values.js';

/** The v1 columns of a run the upgrade reads (as SQL values: legacy files store anything). */
export interface V1RunRow {
  run_id?: SqlValue;
  entities_created?: SqlValue;
  timepoints_created?: SqlValue;
  tokens_used?: SqlValue;
}

/** The columns of a resolution assignment the upgrade reads. */
export interface V1AssignmentRow {
  id?: SqlValue;
  run_id?: SqlValue;
  entity_id?: SqlValue;
  resolution?: SqlValue;
  timestamp?: SqlValue;
}

/**
 * The v2 fields of an upgraded v1 run, as stored (the distribution as JSON text);
 * null where the v1 data does not tell. `token_budget_compliance` is not among
 * them: a v1 run has no budget, so it stays null.
 */
export interface UpgradedV1Fields {
  actual_tokens_used: number | null;
  fidelity_efficiency_score: number | null;
  fidelity_distribution: string | null;
}

/** The columns backfill sets, in the order of {@link backfillParams}' values. */
export const BACKFILLED_COLUMNS = [
  'actual_tokens_used',
  'fidelity_efficiency_score',
  'fidelity_distribution',
] as const satisfies readonly (keyof UpgradedV1Fields)[];

const numberOrNull = (value: SqlValue | undefined) =>
  value === null || value === undefined ? null : Number(value);

/** An assignment row as the fidelity distribution reads it. */
function entityLevel(a: V1AssignmentRow): EntityLevel {
  return {
    entityId: String(a.entity_id),
    resolution: a.resolution === null ? null : String(a.resolution),
    timestamp: a.timestamp === null ? null : String(a.timestamp),
    id: numberOrNull(a.id),
  };
}

/**
 * Upgrade one v1 run: its actual tokens are its `tokens_used`, its efficiency
 * follows from its counts (`metricsFromV1`), its fidelity distribution from
 * `assignments` (the run's own resolution assignments). Pure: reads nothing
 * else, changes nothing.
 */
export function upgradeV1Run(
  run: V1RunRow,
  assignments: readonly V1AssignmentRow[],
): UpgradedV1Fields {
  const metrics = metricsFromV1(
    {
      entitiesCreated: numberOrNull(run.entities_created),
      timepointsCreated: numberOrNull(run.timepoints_created),
      tokensUsed: numberOrNull(run.tokens_used),
    },
    assignments.map(entityLevel),
  );
  return {
    actual_tokens_used: metrics.actualTokensUsed,
    fidelity_efficiency_score: metrics.fidelityEfficiencyScore,
    fidelity_distribution: metrics.fidelityDistribution
      ? JSON.stringify(metrics.fidelityDistribution)
      : null,
  };
}

/**
 * `[actual_tokens_used, fidelity_efficiency_score, fidelity_distribution, run_id]`
 * for each run of a page (`run_id`, `entities_created`, `timepoints_created`,
 * `tokens_used`), given the page's assignments (`id`, `run_id`, `entity_id`,
 * `resolution`, `timestamp`): {@link upgradeV1Run} per run, as update parameters.
 */
export function backfillParams(runs: readonly Row[], assignments: readonly Row[]): SqlValue[][] {
  const byRun = new Map<string, V1AssignmentRow[]>();
  for (const a of assignments) {
    const list = byRun.get(String(a.run_id)) ?? [];
    list.push(a);
    byRun.set(String(a.run_id), list);
  }
  return runs.map((run) => {
    const fields = upgradeV1Run(run, byRun.get(String(run.run_id)) ?? []);
    return [...BACKFILLED_COLUMNS.map((column) => fields[column]), run.run_id ?? null];
  });
}
