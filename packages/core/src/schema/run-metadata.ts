/**
 * The write shapes of a run (starting, completing) and the filter of run lists.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { type ResolutionLevel, RunStatus, TemporalMode } from './enums.js';
import { FidelityDistribution } from './fidelity-distribution.js';
import { FidelityStrategyInput } from './strategy.js';
import { Count, NonEmptyText, NonNegative, Timestamp, Year } from './values.js';

/** Options for starting a run (write shape). */
export const StartRunInput = z.strictObject({
  /** Generated (`run_<date>_<time>_<hex>`) when omitted. */
  runId: z.optional(NonEmptyText),
  templateId: NonEmptyText,
  causalMode: TemporalMode,
  goal: z.nullish(z.string()),
  originDescription: z.nullish(z.string()),
  portalDescription: z.nullish(z.string()),
  portalYear: z.nullish(Year),
  originYear: z.nullish(Year),
  backwardSteps: z.nullish(Count),
  /** Token budget; stored in the fidelity strategy (`token_budget`). */
  tokenBudget: z.nullish(NonNegative),
  /**
   * The fidelity strategy, stored exactly as given (no defaults filled in;
   * `causalMode` is not copied into `mode`). Read it with defaults through
   * `strategyWithDefaults`.
   */
  fidelityStrategy: z.nullish(FidelityStrategyInput),
  createdAt: z.optional(Timestamp),
});
export type StartRunInput = z.input<typeof StartRunInput>;

/** Values known when a run ends (write shape). Explicit v2 metrics win over computed ones. */
export const CompleteRunInput = z.strictObject({
  entitiesCreated: Count,
  timepointsCreated: Count,
  trainingExamples: z._default(Count, 0),
  costUsd: NonNegative,
  llmCalls: z._default(Count, 0),
  tokensUsed: Count,
  /** Budget for compliance; falls back to the strategy's `token_budget`. */
  tokenBudget: z.nullish(NonNegative),
  /** When given, the run is marked `failed`. */
  errorMessage: z.nullish(z.string().check(z.minLength(1))),
  oxenRepoUrl: z.nullish(z.string()),
  oxenDatasetUrl: z.nullish(z.string()),
  /** Defaults to `tokensUsed`. */
  actualTokensUsed: z.nullish(NonNegative),
  tokenBudgetCompliance: z.nullish(NonNegative),
  fidelityEfficiencyScore: z.nullish(NonNegative),
  fidelityDistribution: z.nullish(FidelityDistribution),
  completedAt: z.optional(Timestamp),
});
export type CompleteRunInput = z.input<typeof CompleteRunInput>;

/** Filters for `getAllRuns` and `iterateRuns`. */
export const RunFilter = z.strictObject({
  templateId: z.optional(z.string()),
  status: z.optional(RunStatus),
  causalMode: z.optional(TemporalMode),
  /** Runs created at or after this ISO time. */
  since: z.optional(Timestamp),
  /** Runs created before this ISO time. */
  until: z.optional(Timestamp),
  /** Also read the archive (`runs_v1_archive.db`); each run says its `source`. */
  includeArchive: z.optional(z.boolean()),
  /** `oldest-first` (default: the last run is the latest) or `newest-first` (with `limit`: the latest N). */
  order: z.optional(z.enum(['oldest-first', 'newest-first'])),
  /** A filter in the small `--where` language, e.g. `status = 'failed' and fidelity.dialog >= 2`. */
  where: z.optional(z.string()),
  /** Fill `mechanismsUsed` with one grouped query (no N+1). */
  withMechanisms: z.optional(z.boolean()),
  limit: z.optional(Count),
});
export type RunFilter = z.input<typeof RunFilter>;

/** Re-exported for callers that want the level type next to the run type. */
export type { ResolutionLevel };
