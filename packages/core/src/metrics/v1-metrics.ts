/**
 * The v2 metrics a v1 run's own data allows (what migration backfill stores): actual tokens
 * are its `tokens_used`, efficiency follows from its counts, and the fidelity
 * distribution from its resolution assignments. A v1 run has no token budget,
 * so compliance is never known. One pure function, used by backfill and by
 * snapshots of v1 runs that were not backfilled (archived or carried over).
 */
import { ValidationError } from '../errors.js';
import { previewValue } from '../schema/validate.js';
import { type EntityLevel, fidelityDistribution, fidelityEfficiencyScore } from './fidelity.js';

/** The v1 fields the metrics come from. */
export interface V1RunCounts {
  entitiesCreated?: number | null;
  timepointsCreated?: number | null;
  tokensUsed?: number | null;
}

/** What {@link metricsFromV1} can compute; null where the v1 data does not tell. */
export interface V1Metrics {
  actualTokensUsed: number | null;
  fidelityEfficiencyScore: number | null;
  fidelityDistribution: Record<string, number> | null;
}

/** The v2 metrics of a v1 run, from its counts and its resolution assignments. */
export function metricsFromV1(run: V1RunCounts, assignments: readonly EntityLevel[]): V1Metrics {
  if (typeof run !== 'object' || run === null) {
    throw new ValidationError('run', `must be a run (an object), got ${previewValue(run)}`);
  }
  if (!Array.isArray(assignments)) {
    throw new ValidationError(
      'assignments',
      `must be an array of assignments, got ${previewValue(assignments)}`,
    );
  }
  const tokens = run.tokensUsed;
  const usable = typeof tokens === 'number' && Number.isFinite(tokens) && tokens >= 0;
  let efficiency: number | null = null;
  if (usable) {
    try {
      efficiency = fidelityEfficiencyScore(
        Number(run.entitiesCreated ?? 0),
        Number(run.timepointsCreated ?? 0),
        tokens,
      );
    } catch {
      efficiency = null; // legacy data with negative or non-numeric counts: unknown
    }
  }
  return {
    actualTokensUsed: usable ? tokens : null,
    fidelityEfficiencyScore: efficiency,
    fidelityDistribution: assignments.length ? fidelityDistribution(assignments) : null,
  };
}
