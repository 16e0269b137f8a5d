import { z } from 'zod';
import {
  type CANONICAL_RUN_COLUMNS,
  type ColumnDef,
  type DEPLOYED_RUN_COLUMNS,
  FidelityDistribution,
} from '../columns/registry.js';
import { type ResolutionLevel, RunStatus, TemporalMode } from './enums.js';
import type { ReadIssue } from './read-issue.js';
import { FidelityStrategyInput } from './strategy.js';
import { Count, NonEmptyText, NonNegative, Timestamp, Year } from './values.js';

type ValueOf<C> = C extends ColumnDef<infer T> ? T : never;

/** The 27 documented fields of a run, each `null` when unset or absent from the table. */
export type CanonicalRunFields = {
  -readonly [K in Exclude<keyof typeof CANONICAL_RUN_COLUMNS, 'runId'>]: ValueOf<
    (typeof CANONICAL_RUN_COLUMNS)[K]
  > | null;
} & {
  /** The primary key: always present. */
  runId: string;
};
/** Fields of known deployed columns, present when the table has the column. */
export type DeployedRunFields = {
  -readonly [K in keyof typeof DEPLOYED_RUN_COLUMNS]?: ValueOf<
    (typeof DEPLOYED_RUN_COLUMNS)[K]
  > | null;
};

/** Which database a run was read from. */
export type RunSource = 'active' | 'archive';

/**
 * A run as read from a database. Reads are lenient and lossless: unknown enum
 * values stay as strings (flagged in `readIssues`), columns runmeta does not know
 * land in `extra` under their own names, and a v1 row reports `schemaVersion` 1.0.
 */
export type RunMetadata = CanonicalRunFields &
  DeployedRunFields & {
    /** Columns runmeta does not know, by their SQL name, with their raw values. */
    extra: Record<string, unknown>;
    /** Where the run came from (set by `getAllRuns({ includeArchive })`). */
    source?: RunSource;
    /** Odd stored values (unknown enum, bad JSON); the raw value is kept here. */
    readIssues?: ReadIssue[];
    /** Distinct mechanisms used, sorted M1..M17 (when asked for). */
    mechanismsUsed?: string[];
  };

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
