/**
 * A run's fidelity strategy: its write schema, its documented defaults (applied on read, never stored) and its JSON form.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { ValidationError } from '../errors.js';
import { FidelityPlanningMode, ResolutionLevel, TemporalMode, TokenBudgetMode } from './enums.js';
import { Count, NonNegative } from './values.js';

/**
 * The documented defaults of a strategy's fields, applied on reading by
 * {@link strategyWithDefaults} — never stored: a run's `fidelity_strategy_json`
 * holds only what its caller gave. (`mode` defaults to the run's `causal_mode`.)
 */
export const STRATEGY_DEFAULTS = {
  planningMode: 'programmatic',
  budgetMode: 'soft',
  timepointCount: 0,
  fidelitySchedule: [],
  temporalSteps: [],
  adaptiveThreshold: 0.7,
  minResolution: 'tensor_only',
  maxResolution: 'trained',
  allocationRationale: '',
  estimatedTokens: 0,
  estimatedCostUsd: 0,
} as const satisfies Record<string, unknown>;

const strategyFields = {
  mode: TemporalMode,
  planningMode: FidelityPlanningMode,
  budgetMode: TokenBudgetMode,
  tokenBudget: NonNegative,
  timepointCount: Count,
  fidelitySchedule: z.array(ResolutionLevel),
  /** Gaps between timepoints, in months. */
  temporalSteps: z.array(z.number().check(z.int())),
  adaptiveThreshold: z
    .number()
    .check(z.gte(0, 'must be between 0 and 1'), z.lte(1, 'must be between 0 and 1')),
  minResolution: ResolutionLevel,
  maxResolution: ResolutionLevel,
  allocationRationale: z.string(),
  estimatedTokens: NonNegative,
  estimatedCostUsd: NonNegative,
};

/**
 * A strategy as a caller writes it (`startRun({ fidelityStrategy })`, `saveMetadata`):
 * every field optional, nothing filled in — what is given is what is stored.
 */
export const FidelityStrategyInput = z.strictObject({
  mode: z.optional(strategyFields.mode),
  planningMode: z.optional(strategyFields.planningMode),
  budgetMode: z.optional(strategyFields.budgetMode),
  tokenBudget: z.optional(strategyFields.tokenBudget),
  timepointCount: z.optional(strategyFields.timepointCount),
  fidelitySchedule: z.optional(strategyFields.fidelitySchedule),
  temporalSteps: z.optional(strategyFields.temporalSteps),
  adaptiveThreshold: z.optional(strategyFields.adaptiveThreshold),
  minResolution: z.optional(strategyFields.minResolution),
  maxResolution: z.optional(strategyFields.maxResolution),
  allocationRationale: z.optional(strategyFields.allocationRationale),
  estimatedTokens: z.optional(strategyFields.estimatedTokens),
  estimatedCostUsd: z.optional(strategyFields.estimatedCostUsd),
  actualTokensUsed: z.nullish(NonNegative),
  actualCostUsd: z.nullish(NonNegative),
  budgetComplianceRatio: z.nullish(NonNegative),
});
export type FidelityStrategyInput = z.input<typeof FidelityStrategyInput>;

/**
 * How fidelity and tokens were planned for a run (stored as JSON in
 * `fidelity_strategy_json` with snake_case keys, as the earlier tool wrote it):
 * the complete shape, with {@link STRATEGY_DEFAULTS} for what is left out. Writes
 * use {@link FidelityStrategyInput}, which stores no defaults.
 */
export const FidelityTemporalStrategy = z.strictObject({
  mode: strategyFields.mode,
  planningMode: z._default(strategyFields.planningMode, STRATEGY_DEFAULTS.planningMode),
  budgetMode: z._default(strategyFields.budgetMode, STRATEGY_DEFAULTS.budgetMode),
  tokenBudget: z.optional(strategyFields.tokenBudget),
  timepointCount: z._default(strategyFields.timepointCount, STRATEGY_DEFAULTS.timepointCount),
  fidelitySchedule: z._default(strategyFields.fidelitySchedule, []),
  temporalSteps: z._default(strategyFields.temporalSteps, []),
  adaptiveThreshold: z._default(
    strategyFields.adaptiveThreshold,
    STRATEGY_DEFAULTS.adaptiveThreshold,
  ),
  minResolution: z._default(strategyFields.minResolution, STRATEGY_DEFAULTS.minResolution),
  maxResolution: z._default(strategyFields.maxResolution, STRATEGY_DEFAULTS.maxResolution),
  allocationRationale: z._default(
    strategyFields.allocationRationale,
    STRATEGY_DEFAULTS.allocationRationale,
  ),
  estimatedTokens: z._default(strategyFields.estimatedTokens, STRATEGY_DEFAULTS.estimatedTokens),
  estimatedCostUsd: z._default(strategyFields.estimatedCostUsd, STRATEGY_DEFAULTS.estimatedCostUsd),
  actualTokensUsed: z.nullish(NonNegative),
  actualCostUsd: z.nullish(NonNegative),
  budgetComplianceRatio: z.nullish(NonNegative),
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

/** A strategy with the documented defaults filled in, and which fields they filled. */
export interface DefaultedStrategy {
  /** The stored strategy (unknown keys kept), plus a default for each missing field. */
  strategy: StoredStrategy & Partial<FidelityTemporalStrategy>;
  /** The fields that were not stored and now hold a default. */
  defaulted: (keyof FidelityTemporalStrategy)[];
}

/**
 * Read a run's strategy with the documented defaults
 * ({@link STRATEGY_DEFAULTS}) applied, saying which fields were defaulted. `mode`
 * defaults to the run's `causalMode`. A run's stored strategy is exactly what its
 * caller gave; this is the one place defaults are added, and only for reading.
 * Stored values are kept as they are, even odd ones (reads are lenient).
 *
 * @example
 * ```ts
 * const run = await manager.getRun(id); // fidelityStrategy: { tokenBudget: 100 }
 * const { strategy, defaulted } = strategyWithDefaults(run);
 * strategy.minResolution; // 'tensor_only'
 * defaulted; // ['mode', 'planningMode', 'budgetMode', …] — not 'tokenBudget'
 * ```
 */
export function strategyWithDefaults(run: {
  fidelityStrategy?: StoredStrategy | null;
  causalMode?: string | null;
}): DefaultedStrategy {
  const strategy: Record<string, unknown> = { ...(run.fidelityStrategy ?? {}) };
  const defaulted: (keyof FidelityTemporalStrategy)[] = [];
  const defaults: Record<string, unknown> = {
    mode: run.causalMode ?? undefined,
    ...STRATEGY_DEFAULTS,
  };
  for (const [key, value] of Object.entries(defaults)) {
    if (strategy[key] !== undefined && strategy[key] !== null) continue;
    if (value === undefined) continue;
    strategy[key] = Array.isArray(value) ? [...value] : value;
    defaulted.push(key as keyof FidelityTemporalStrategy);
  }
  return { strategy: strategy as DefaultedStrategy['strategy'], defaulted };
}

/**
 * The strategy to store for a new run: exactly the fields the caller gave
 * (`fidelityStrategy`, plus `tokenBudget` as `token_budget`), or null when none.
 * The two ways of giving a budget must agree.
 */
export function givenStrategy(input: {
  tokenBudget?: number | null;
  fidelityStrategy?: z.output<typeof FidelityStrategyInput> | null;
}): StoredStrategy | null {
  const strategy: StoredStrategy = {};
  for (const [key, value] of Object.entries(input.fidelityStrategy ?? {})) {
    if (value !== undefined) strategy[key] = value;
  }
  if (input.tokenBudget !== undefined && input.tokenBudget !== null) {
    if (strategy.tokenBudget !== undefined && strategy.tokenBudget !== input.tokenBudget) {
      throw new ValidationError(
        'tokenBudget',
        `${input.tokenBudget} differs from fidelityStrategy.tokenBudget ${strategy.tokenBudget}; give the budget once`,
      );
    }
    strategy.tokenBudget = input.tokenBudget;
  }
  return input.fidelityStrategy || Object.keys(strategy).length ? strategy : null;
}
