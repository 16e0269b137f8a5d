export type { DdlDialect } from './columns/ddl-dialect.js';
export { quoteIdent, quoteLiteral } from './sql/quote.js';
export { type CopyDialect, plainTypeName } from './storage/copy-dialect.js';
export type { QueryDialect } from './storage/query-dialect.js';
export type { RuntimeDialect } from './storage/runtime-dialect.js';
export {
  plainColumnLists,
  type SchemaIntrospector,
  schemaVersions,
  type ValueKind,
} from './storage/schema-introspector.js';
export type { SqlDialect } from './storage/sql-dialect.js';
export { sqliteDialect } from './storage/sqlite/sqlite-dialect.js';
/**
 * `@runmeta/core/adapter` — what a storage backend is written with: the
 * {@link StorageAdapter} contract and its SQL vocabulary, the dialect roles and the
 * SQLite dialect, the shared SQLite connection and in-memory container, option
 * parts validated like every input, error classification, the working-file names,
 * table copying and schema observation, and the column registry's SQL.
 *
 * Users of a backend need only `@runmeta/core`; this entry is for the packages that
 * implement one (and the CLI, which shares a few of these helpers). Check a backend
 * with the conformance suite in `@runmeta/core/testing`.
 *
 * @packageDocumentation
 */

// The column registry and the SQL derived from it.
export {
  CHILD_TABLES,
  type ColumnDef,
  type ColumnOrigin,
  type CompositeIndex,
  canonicalColumns,
  columnsOf,
  TABLES,
  type TableDef,
} from './columns/registry.js';
export { insertSql, schemaDdl } from './columns/sql.js';
// Errors from the operating system and the engine, in runmeta's words.
export {
  classifySqliteError,
  FILE_KIND_WORDS,
  fileSystemError,
  SYSTEM_ERROR_REASONS,
  systemErrorCode,
  systemErrorReason,
} from './error-classification.js';
export { filterLimitError } from './filter/engine-limits.js';
export { interruptionPoint } from './interrupt.js';
export { copyDatabase } from './manager/import.js';
export { observeSchema } from './migrate/observe.js';
// The names of the working files beside a database.
export {
  ARCHIVE_SUFFIX,
  archiveNameFor,
  asideNameFor,
  BACKUP_SUFFIX,
  backupNameFor,
  IMPORTING_SUFFIX,
  importingNameFor,
  LOCK_NOTE_SUFFIX,
  LOCK_SUFFIX,
  PARTIAL_EXPORT_SUFFIX,
  REPLACED_SUFFIX,
  RESTORING_SUFFIX,
  replacedNameFor,
  restoringNameFor,
  SQLITE_SIDE_SUFFIXES,
  WORKING_SUFFIXES,
} from './migrate/working-names.js';
// Option parts: a backend's options are validated like every input.
export {
  CallbackOption,
  CopyDatabaseOptionsSchema,
  DatabaseNameOption,
  DurationMs,
  MANAGER_OPTION_FIELDS,
  MAX_TIMEOUT_MS,
  PlainObjectOption,
  parseOptions,
} from './schema/options.js';
export { isWellFormedText, loneSurrogateIndex, utf8Problem } from './schema/text.js';
export { parseTimeInput, STORED_TIME_PATTERN, timeInputProblem, timeKey } from './schema/time.js';
export { parseInput, previewValue } from './schema/validate.js';
export { NonEmptyText } from './schema/values.js';
export { summarizeNarrative } from './snapshot/snapshot.js';
// The SQL vocabulary and the contract.
export type { ObservedColumn, ObservedSchema, SchemaObject } from './sql/observed-schema.js';
export type { SqlType } from './sql/sql-type.js';
export type { StatementExecutor } from './sql/statement-executor.js';
export type { Row, RowValues, RunResult, SqlParams, SqlValue } from './sql/values.js';
export type {
  AdapterCapabilities,
  LockHolderNote,
  OpenOptions,
  SqlConnection,
  StorageAdapter,
  StoredFile,
  TransactionEvent,
} from './storage/adapter.js';
export { StorageAdapterOption } from './storage/adapter-option.js';
export { type CopiedTable, type CopyOptions, type CopyReport, copyTables } from './storage/copy.js';
export { Database, type Executor } from './storage/database.js';
// The dialect roles, and SQLite's.
export {
  type ClosingConnection,
  createMemoryContainer,
  type MemoryContainer,
  type MemoryContainerOptions,
} from './storage/memory-container.js';
export { overwriteRefused } from './storage/refuse-overwrite.js';
export { looksLikeSqlite, withoutWalHeader } from './storage/sqlite-bytes.js';
export {
  applySqliteConnectionPragmas,
  type SqliteConnectionOptions,
  type SqliteEngine,
  sqliteConnectionPragmas,
  sqliteInTransaction,
  sqliteQuickCheck,
  trackSqliteChanges,
} from './storage/sqlite-connection.js';
