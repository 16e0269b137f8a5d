/**
 * The v2 metrics stored when a run completes, as one pure function:
 * from what the caller gave, the run's stored strategy and its resolution
 * assignments. Explicit values always win; the rest is computed by the metric
 * calculators of `fidelity.ts`, which refuse numbers that cannot be stored.
 *
 * @packageDocumentation
 */
import type { StoredStrategy } from '../schema/strategy.js';
import {
  type EntityLevel,
  fidelityDistribution,
  fidelityEfficiencyScore,
  tokenBudgetCompliance,
} from './fidelity.js';

/** What a completion gives that the metrics follow from (validated completion input). */
export interface CompletionValues {
  entitiesCreated: number;
  timepointsCreated: number;
  tokensUsed: number;
  costUsd: number;
  /** Defaults to `tokensUsed`. */
  actualTokensUsed?: number | null;
  /** Budget for compliance; falls back to the strategy's `tokenBudget`. */
  tokenBudget?: number | null;
  tokenBudgetCompliance?: number | null;
  fidelityEfficiencyScore?: number | null;
  fidelityDistribution?: Record<string, number> | null;
}

/** The metrics a completed run stores. */
export interface CompletionMetrics {
  actualTokensUsed: number;
  /** `actual / budget`; null without a usable budget. */
  tokenBudgetCompliance: number | null;
  /** `(entities + timepoints) / actual`; null when no tokens were used. */
  fidelityEfficiencyScore: number | null;
  /** Entities per level from the assignments; null when there are none. */
  fidelityDistribution: Record<string, number> | null;
  /**
   * The run's strategy with the budget used (when it had none) and the actual
   * tokens, cost and compliance; null when the run has no strategy.
   */
  fidelityStrategy: StoredStrategy | null;
}

/**
 * The metrics to store for a run completed with `values`, given its stored
 * `strategy` and its resolution `assignments` (read only when no distribution
 * is given; an empty list otherwise).
 *
 * @example
 * completionMetrics(
 *   { entitiesCreated: 5, timepointsCreated: 3, tokensUsed: 800, costUsd: 0.04 },
 *   { tokenBudget: 1000 },
 *   [{ entityId: 'ceo', resolution: 'DIALOG' }],
 * );
 * // → { actualTokensUsed: 800, tokenBudgetCompliance: 0.8, fidelityEfficiencyScore: 0.01,
 * //     fidelityDistribution: { dialog: 1 }, fidelityStrategy: { tokenBudget: 1000, … } }
 */
export function completionMetrics(
  values: CompletionValues,
  strategy: StoredStrategy | null,
  assignments: readonly EntityLevel[],
): CompletionMetrics {
  const actual = values.actualTokensUsed ?? values.tokensUsed;
  const budget =
    values.tokenBudget ?? (typeof strategy?.tokenBudget === 'number' ? strategy.tokenBudget : null);
  const compliance = values.tokenBudgetCompliance ?? tokenBudgetCompliance(actual, budget);
  const distribution =
    values.fidelityDistribution ?? (assignments.length ? fidelityDistribution(assignments) : null);
  const efficiency =
    values.fidelityEfficiencyScore ??
    fidelityEfficiencyScore(values.entitiesCreated, values.timepointsCreated, actual);
  return {
    actualTokensUsed: actual,
    tokenBudgetCompliance: compliance,
    fidelityEfficiencyScore: efficiency,
    fidelityDistribution: distribution,
    fidelityStrategy: strategy
      ? {
          ...strategy,
          // A budget given at completion fills in the strategy's, never replaces it.
          ...(budget !== null && strategy.tokenBudget === undefined ? { tokenBudget: budget } : {}),
          actualTokensUsed: actual,
          actualCostUsd: values.costUsd,
          budgetComplianceRatio: compliance,
        }
      : null,
  };
}
