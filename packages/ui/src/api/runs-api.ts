/**
 * The one interface the dashboard asks its questions through. Two
 * implementations answer it: in process over a `MetadataManager`
 * ({@link createRunsApi}: the `runmeta ui` server, and a page running
 * `@runmeta/browser-wasm`), and over HTTP ({@link createHttpRunsApi}: the
 * dashboard served by `runmeta ui`). Every answer is core's, computed in SQL.
 *
 * @packageDocumentation
 */
import type {
  ActivityOptions,
  CompareOptions,
  CoverageFilter,
  HistogramOptions,
  ListRunsOptions,
  MechanismCoverage,
  MechanismUsage,
  ResolutionAssignment,
  RunActivity,
  RunComparison,
  RunHistogram,
  RunMetadata,
  RunPage,
  RunQueryFilter,
  RunSummary,
  SummarizeOptions,
  ValidationRecord,
} from '@runmeta/core';

/** Options of {@link RunsApi.run}. */
export interface RunDetailOptions {
  /** Also look for the run in the read-only v1 archive. */
  includeArchive?: boolean;
}

/** Everything the run page shows of one run. */
export interface RunDetail {
  /** Every field, extra columns included (`extra`), and the database it came from (`source`). */
  run: RunMetadata;
  /** Its mechanism events, oldest first. */
  mechanisms: MechanismUsage[];
  /** Its resolution assignments, oldest first. */
  resolutions: ResolutionAssignment[];
  /** Its validations, oldest first. */
  validations: ValidationRecord[];
  /** The snapshot text for people and LLMs (SPEC §6). */
  snapshot: string;
}

/** What the dashboard can ask of a run database: the questions of SPEC §9, read-only. */
export interface RunsApi {
  /** One page of runs: filtered, sorted, with a keyset cursor to the next. */
  list(options?: ListRunsOptions): Promise<RunPage>;
  /** How many runs the filter selects. */
  count(filter?: RunQueryFilter): Promise<number>;
  /** One run with its events, assignments, validations and snapshot text. */
  run(runId: string, options?: RunDetailOptions): Promise<RunDetail>;
  /** Runs side by side, with deltas against a baseline. */
  compare(runIds: readonly string[], options?: CompareOptions): Promise<RunComparison>;
  /** Totals per group (template, mode, status, day, week, month or none). */
  summarize(options?: SummarizeOptions): Promise<RunSummary>;
  /** Template × mechanism: which mechanisms each template's runs used. */
  coverage(filter?: CoverageFilter): Promise<MechanismCoverage>;
  /** Runs and cost per day, week or month of creation, per status. */
  activity(options?: ActivityOptions): Promise<RunActivity>;
  /** Runs per bin of a numeric field (compliance by default). */
  histogram(options?: HistogramOptions): Promise<RunHistogram>;
}
