import { z } from 'zod';
import { FidelityPlanningMode, ResolutionLevel, TemporalMode, TokenBudgetMode } from './enums.js';
import { Count, NonNegative } from './values.js';

/**
 * How fidelity and tokens were planned for a run (stored as JSON in
 * `fidelity_strategy_json` with snake_case keys, as the earlier tool wrote it).
 * The SDK shape is camelCase; defaults fill what a minimal caller leaves out.
 */
export const FidelityTemporalStrategy = z.strictObject({
  mode: TemporalMode,
  planningMode: FidelityPlanningMode.default('programmatic'),
  budgetMode: TokenBudgetMode.default('soft'),
  tokenBudget: NonNegative.optional(),
  timepointCount: Count.default(0),
  fidelitySchedule: z.array(ResolutionLevel).default([]),
  /** Gaps between timepoints, in months. */
  temporalSteps: z.array(z.number().int()).default([]),
  adaptiveThreshold: z.number().min(0).max(1).default(0.7),
  minResolution: ResolutionLevel.default('tensor_only'),
  maxResolution: ResolutionLevel.default('trained'),
  allocationRationale: z.string().default(''),
  estimatedTokens: NonNegative.default(0),
  estimatedCostUsd: NonNegative.default(0),
  actualTokensUsed: NonNegative.nullish(),
  actualCostUsd: NonNegative.nullish(),
  budgetComplianceRatio: NonNegative.nullish(),
});
export type FidelityTemporalStrategy = z.infer<typeof FidelityTemporalStrategy>;
export type FidelityTemporalStrategyInput = z.input<typeof FidelityTemporalStrategy>;

/** snake_case JSON key ⇄ camelCase SDK key, for every known strategy field. */
const STRATEGY_KEYS: Record<keyof FidelityTemporalStrategy, string> = {
  mode: 'mode',
  planningMode: 'planning_mode',
  budgetMode: 'budget_mode',
  tokenBudget: 'token_budget',
  timepointCount: 'timepoint_count',
  fidelitySchedule: 'fidelity_schedule',
  temporalSteps: 'temporal_steps',
  adaptiveThreshold: 'adaptive_threshold',
  minResolution: 'min_resolution',
  maxResolution: 'max_resolution',
  allocationRationale: 'allocation_rationale',
  estimatedTokens: 'estimated_tokens',
  estimatedCostUsd: 'estimated_cost_usd',
  actualTokensUsed: 'actual_tokens_used',
  actualCostUsd: 'actual_cost_usd',
  budgetComplianceRatio: 'budget_compliance_ratio',
};
const FROM_JSON_KEY = new Map(
  Object.entries(STRATEGY_KEYS).map(([camel, snake]) => [snake, camel]),
);

/** A strategy as read back: known keys camelCased, unknown keys kept as they are. */
export type StoredStrategy = Partial<FidelityTemporalStrategy> & Record<string, unknown>;

/** Stored JSON object (snake_case) → SDK object (camelCase); unknown keys are kept. */
export function strategyFromJson(json: Record<string, unknown>): StoredStrategy {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) out[FROM_JSON_KEY.get(key) ?? key] = value;
  return out as StoredStrategy;
}

/** SDK object (camelCase) → stored JSON object (snake_case), in the documented key order. */
export function strategyToJson(strategy: StoredStrategy): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const known = Object.keys(STRATEGY_KEYS) as (keyof FidelityTemporalStrategy)[];
  for (const key of known) if (strategy[key] !== undefined) out[STRATEGY_KEYS[key]] = strategy[key];
  for (const [key, value] of Object.entries(strategy)) {
    if (value !== undefined && !(key in STRATEGY_KEYS)) out[key] = value;
  }
  return out;
}
