/**
 * `@runmeta/core` — run metadata for LLM-driven simulations: schemas, the column
 * registry, the migration planner, metric calculators, snapshot formatting, the
 * storage adapter contract and the {@link MetadataManager}.
 *
 * @packageDocumentation
 */

export type { Codec, Decoded, ReadIssue } from './columns/codecs.js';
export * from './columns/export-fields.js';
export * from './columns/registry.js';
export { type DecodedRow, decodeRow, encodeFields } from './columns/rows.js';
export type * from './columns/run-record.js';
export * from './columns/sql.js';
export * from './demo/demo-data.js';
export * from './error-classification.js';
export * from './errors.js';
export { filterLimitError } from './filter/engine-limits.js';
export * from './filter/where.js';
export { interruptionPoint } from './interrupt.js';
export { unreadableArchive } from './manager/archive-open.js';
export {
  type CarryOverArchiveOptions,
  type CarryOverArchiveProgress,
  type CarryOverArchiveResult,
  carryOverArchive,
} from './manager/carry-over-archive.js';
export * from './manager/changes-since-migration.js';
export * from './manager/import.js';
export * from './manager/leftovers.js';
export * from './manager/metadata-manager.js';
export * from './manager/options.js';
export * from './manager/rollback.js';
export { decodeRun } from './manager/run-queries.js';
export * from './metrics/fidelity.js';
export * from './metrics/mechanisms.js';
export * from './metrics/v1-metrics.js';
export * from './migrate/detect.js';
export * from './migrate/execute.js';
export * from './migrate/observe.js';
export * from './migrate/plan.js';
export * from './migrate/working-names.js';
export {
  type CountSource,
  countArchivedStaleRuns,
  countRuns,
  countRunsByStatus,
} from './queries/counts.js';
export {
  aggregateRuns,
  fidelityTotals,
  type ReportBy,
  type ReportGroup,
  type ReportTotals,
  reportTotals,
  totalsPerTemplate,
} from './queries/report.js';
export { listRuns, RUN_SORTS, type RunSort, sortRuns } from './queries/sort-runs.js';
export {
  type ArchiveStatus,
  type DatabaseStatus,
  readDatabaseStatus,
  type SchemaDrift,
  type StatusOptions,
  type StatusSource,
} from './queries/status.js';
export * from './schema/enums.js';
export * from './schema/fidelity-distribution.js';
export * from './schema/options.js';
export * from './schema/records.js';
export * from './schema/run-metadata.js';
export * from './schema/strategy.js';
export * from './schema/text.js';
export * from './schema/time.js';
export { parseInput, previewValue } from './schema/validate.js';
export * from './schema/values.js';
export * from './snapshot/snapshot.js';
export type * from './sql/observed-schema.js';
export type * from './sql/sql-type.js';
export type { StatementExecutor } from './sql/statement-executor.js';
export type * from './sql/values.js';
export type * from './storage/adapter.js';
export * from './storage/adapter-option.js';
export * from './storage/copy.js';
export { Database, type Executor } from './storage/database.js';
export {
  type CopyDialect,
  type DdlDialect,
  plainTypeName,
  type QueryDialect,
  type RuntimeDialect,
  type SchemaIntrospector,
  type SqlDialect,
  schemaVersions,
  sqliteDialect,
  type ValueKind,
} from './storage/dialect.js';
export {
  type ClosingConnection,
  createMemoryContainer,
  type MemoryContainer,
  type MemoryContainerOptions,
} from './storage/memory-container.js';
export * from './storage/open-database.js';
export { overwriteRefused } from './storage/refuse-overwrite.js';
export { looksLikeSqlite, withoutWalHeader } from './storage/sqlite-bytes.js';
export * from './storage/sqlite-connection.js';
export { SDK_VERSION } from './version.js';
