// The values of `@runmeta/core/constants` (enums, sort keys, groupings, limits).
export * from './constants.js';
export { WhereSyntaxError } from './filter/where-tokens.js';
export { MIGRATION_STRATEGIES, type MigrationStrategy } from './schema/migration-strategies.js';

/**
 * `@runmeta/core` — run metadata for LLM-driven simulations: the
 * {@link MetadataManager}, the record schemas and types, typed errors, metric
 * calculators, snapshot formatting, the `--where` filter language, the migration
 * planner, the questions asked over many runs (status, counts, reports), and
 * the ingestion of JSON-lines event streams.
 *
 * Every name is listed here on purpose (no `export *`): this is the API users
 * program against. What a storage backend needs lives in `@runmeta/core/adapter`,
 * the demo database in `@runmeta/core/demo`, the conformance suite in
 * `@runmeta/core/testing`.
 *
 * @packageDocumentation
 */

// The manager and what it takes and returns.
export type { ExportField } from './columns/export-fields.js';
export { exportFields, exportValue } from './columns/export-fields.js';
export { CURRENT_SCHEMA_VERSION, V1_SCHEMA_VERSION } from './columns/registry.js';
export type { RunMetadata, RunSource } from './columns/run-record.js';
// Errors: every failure is a RunmetaError with a stable code.
export {
  type FileKind,
  FileSystemError,
  NotAFileError,
} from './error-classification.js';
export {
  ArchiveConflictError,
  ClosedError,
  DatabaseLockedError,
  DatabaseTooLargeError,
  ERROR_CODES,
  InterruptedError,
  MigrationError,
  NeedsMigrationError,
  NewerSchemaError,
  NotADatabaseError,
  ReadOnlyError,
  RunFinishedError,
  RunmetaError,
  type RunmetaErrorCode,
  type RunmetaErrorOptions,
  RunNotFoundError,
  type RunNotFoundOptions,
  ServerUnreachableError,
  StorageError,
  UnsafeSchemaError,
  ValidationError,
  type ValidationErrorOptions,
} from './errors.js';
// The `--where` filter language.
export { parseWhere, WHERE_COLUMNS, type WhereNode } from './filter/where.js';
// Ingesting JSON lines (`runmeta ingest`): one stream of events, committed in small groups.
export {
  type IngestAck,
  type IngestOptions,
  type IngestResult,
  type IngestTarget,
  ingestEvents,
} from './ingest/ingest.js';
export { IngestLineError } from './ingest/ingest-error.js';
export type { IngestEvent } from './ingest/ingest-events.js';
export { carryOverArchive } from './manager/carry-over-archive.js';
export type {
  CarryOverArchiveOptions,
  CarryOverArchiveProgress,
  CarryOverArchiveResult,
} from './manager/carry-over-archive-types.js';
export {
  type ChangesSinceMigration,
  changesSinceMigration,
  describeChanges,
} from './manager/changes-since-migration.js';
export {
  type DatabaseRef,
  type ImportOptions,
  type ImportResult,
  importRunDatabase,
} from './manager/import.js';
export type { DumpInput, ImportRunsOptions, ImportRunsResult } from './manager/import-dump.js';
export { ImportLineError } from './manager/import-line-error.js';
export type {
  ChildOptions,
  ManagerOptions,
  RecordBatch,
  RunMetadataInput,
  SnapshotOptions,
} from './manager/inputs.js';
export { findLeftovers, type Leftover, type LeftoverFate } from './manager/leftovers.js';
export { MetadataManager } from './manager/metadata-manager.js';
export {
  type RollbackOptions,
  type RollbackResult,
  rollbackMigration,
} from './manager/rollback.js';
export type { RunWithChildren } from './manager/run-children.js';
// Metrics.
export {
  type EntityLevel,
  fidelityDistribution,
  fidelityEfficiencyScore,
  sortedDistribution,
  tokenBudgetCompliance,
} from './metrics/fidelity.js';
export { metricsFromV1, type V1Metrics, type V1RunCounts } from './metrics/v1-metrics.js';
// Schema versions: detect, plan, apply.
export {
  detectSchema,
  isUpToDate,
  type SchemaDetection,
  type SchemaKind,
} from './migrate/detect.js';
export {
  type ApplyOptions,
  applyMigration,
  type MigrationProgress,
  type MigrationResult,
} from './migrate/execute.js';
export {
  type AddedColumn,
  type MigrationPlan,
  type MigrationStep,
  type PlanOptions,
  planMigration,
  type StepKind,
} from './migrate/plan.js';
export { formatPlan } from './migrate/plan-text.js';
export {
  type ActivityCell,
  type ActivityOptions,
  type ActivityPeriod,
  type ActivityPeriodKind,
  type ActivityStatus,
  type RunActivity,
  runActivity,
} from './queries/activity.js';
// Questions over many runs (the CLI's status, runs list, report and compare use them).
export {
  type ComparedRun,
  type CompareOptions,
  compareRuns,
  type FidelityComparison,
  type FieldComparison,
  type FieldDelta,
  type MechanismComparison,
  type RunComparison,
  type ValidationTally,
} from './queries/compare.js';
export {
  type CountByStatusOptions,
  type CountSource,
  countArchivedStaleRuns,
  countRuns,
  countRunsByStatus,
} from './queries/counts.js';
export {
  type CoverageCell,
  type CoverageFilter,
  type MechanismCoverage,
  mechanismCoverage,
  type TemplateCoverage,
} from './queries/coverage.js';
export {
  type HistogramBin,
  type HistogramField,
  type HistogramOptions,
  type RunHistogram,
  runHistogram,
} from './queries/histogram.js';
export {
  DEFAULT_PAGE_SIZE,
  type ListRunsOptions,
  listRuns,
  MAX_PAGE_SIZE,
  type RunPage,
  type StreamRunsOptions,
  streamRuns,
} from './queries/list-runs.js';
export {
  aggregateRuns,
  fidelityTotals,
  type ReportBy,
  type ReportGroup,
  type ReportTotals,
  reportTotals,
  totalsPerTemplate,
} from './queries/report.js';
export type { RunQueryFilter } from './queries/run-query.js';
export type { RunOrder } from './queries/sort-keys.js';
export {
  type ArchiveStatus,
  type DatabaseStatus,
  readDatabaseStatus,
  type SchemaDrift,
  type StatusOptions,
  type StatusSource,
} from './queries/status.js';
export {
  type ComplianceDistribution,
  type RunSummary,
  type SummarizeOptions,
  type SummaryGroup,
  summarizeRuns,
} from './queries/summarize.js';
// Record schemas and enums.
export type {
  FidelityPlanningMode,
  ResolutionLevel,
  RunStatus,
  TemporalMode,
  TokenBudgetMode,
} from './schema/enums.js';
export type { FidelityDistribution } from './schema/fidelity-distribution.js';
export type { NarrativeSummary } from './schema/narrative.js';
export {
  type MechanismUsage,
  MechanismUsageInput,
  type ResolutionAssignment,
  ResolutionAssignmentInput,
  type ValidationRecord,
  ValidationRecordInput,
} from './schema/records.js';
export { CompleteRunInput, RunFilter, StartRunInput } from './schema/run-metadata.js';
export {
  type DefaultedStrategy,
  FidelityStrategyInput,
  FidelityTemporalStrategy,
  type FidelityTemporalStrategyInput,
  STRATEGY_DEFAULTS,
  type StoredStrategy,
  strategyWithDefaults,
} from './schema/strategy.js';
export type { JsonObject, JsonValue } from './schema/values.js';
// Snapshot for an LLM prompt.
export { formatSnapshotForLlm, SimulationSnapshot } from './snapshot/snapshot.js';
// What a MetadataManager is given: a storage backend (see `@runmeta/core/adapter`).
export type {
  AdapterCapabilities,
  OpenOptions,
  StorageAdapter,
} from './storage/adapter.js';
export { openDatabase } from './storage/open-database.js';
export { SDK_VERSION } from './version.js';
