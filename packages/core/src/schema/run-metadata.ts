/**
 * The write shapes of a run (starting, completing) and the filter of run lists.
 *
 * @packageDocumentation
 */
import { z } from 'zod';
import { type ResolutionLevel, RunStatus, TemporalMode } from './enums.js';
import { FidelityDistribution } from './fidelity-distribution.js';
import { FidelityStrategyInput } from './strategy.js';
import { Count, NonEmptyText, NonNegative, Timestamp, Year } from './values.js';

/** Options for starting a run (write shape). */
export const StartRunInput = z.strictObject({
  /** Generated (`run_<date>_<time>_<hex>`) when omitted. */
  runId: NonEmptyText.optional(),
  templateId: NonEmptyText,
  causalMode: TemporalMode,
  goal: z.string().nullish(),
  originDescription: z.string().nullish(),
  portalDescription: z.string().nullish(),
  portalYear: Year.nullish(),
  originYear: Year.nullish(),
  backwardSteps: Count.nullish(),
  /** Token budget; stored in the fidelity strategy (`token_budget`). */
  tokenBudget: NonNegative.nullish(),
  /**
   * The fidelity strategy, stored exactly as given (no defaults filled in;
   * `causalMode` is not copied into `mode`). Read it with defaults through
   * `strategyWithDefaults`.
   */
  fidelityStrategy: FidelityStrategyInput.nullish(),
  createdAt: Timestamp.optional(),
});
export type StartRunInput = z.input<typeof StartRunInput>;

/** Values known when a run ends (write shape). Explicit v2 metrics win over computed ones. */
export const CompleteRunInput = z.strictObject({
  entitiesCreated: Count,
  timepointsCreated: Count,
  trainingExamples: Count.default(0),
  costUsd: NonNegative,
  llmCalls: Count.default(0),
  tokensUsed: Count,
  /** Budget for compliance; falls back to the strategy's `token_budget`. */
  tokenBudget: NonNegative.nullish(),
  /** When given, the run is marked `failed`. */
  errorMessage: z.string().min(1).nullish(),
  oxenRepoUrl: z.string().nullish(),
  oxenDatasetUrl: z.string().nullish(),
  /** Defaults to `tokensUsed`. */
  actualTokensUsed: NonNegative.nullish(),
  tokenBudgetCompliance: NonNegative.nullish(),
  fidelityEfficiencyScore: NonNegative.nullish(),
  fidelityDistribution: FidelityDistribution.nullish(),
  completedAt: Timestamp.optional(),
});
export type CompleteRunInput = z.input<typeof CompleteRunInput>;

/** Filters for `getAllRuns` and `iterateRuns`. */
export const RunFilter = z.strictObject({
  templateId: z.string().optional(),
  status: RunStatus.optional(),
  causalMode: TemporalMode.optional(),
  /** Runs created at or after this ISO time. */
  since: Timestamp.optional(),
  /** Runs created before this ISO time. */
  until: Timestamp.optional(),
  /** Also read the archive (`runs_v1_archive.db`); each run says its `source`. */
  includeArchive: z.boolean().optional(),
  /** `oldest-first` (default: the last run is the latest) or `newest-first` (with `limit`: the latest N). */
  order: z.enum(['oldest-first', 'newest-first']).optional(),
  /** A filter in the small `--where` language, e.g. `status = 'failed' and fidelity.dialog >= 2`. */
  where: z.string().optional(),
  /** Fill `mechanismsUsed` with one grouped query (no N+1). */
  withMechanisms: z.boolean().optional(),
  limit: Count.optional(),
});
export type RunFilter = z.input<typeof RunFilter>;

/** Re-exported for callers that want the level type next to the run type. */
export type { ResolutionLevel };
