/**
 * Options objects are validated like every other input: each public options
 * object has one strict zod schema here (or, for an adapter's own options, in its
 * package, built from these parts). A wrong value or an unknown key — a typo such
 * as `{ stratgy: 'carry-over' }` or `{ readonly: true }` — is a
 * `ValidationError` naming the option, before anything is opened or touched.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { ValidationError } from '../errors.js';
import { MIGRATION_STRATEGIES, type MigrationStrategy } from './migration-strategies.js';
import { NarrativeSummary } from './narrative.js';
import { RunFilter } from './run-metadata.js';
import { parseInput, previewValue } from './validate.js';
import { NonEmptyText } from './values.js';

/** Longest delay `setTimeout` honours (about 24.8 days); a longer one would fire at once. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** A duration in milliseconds: finite, not negative, at most {@link MAX_TIMEOUT_MS}. */
export const DurationMs = z
  .number()
  .check(
    z.nonnegative('must not be negative'),
    z.lte(MAX_TIMEOUT_MS, `must be at most ${MAX_TIMEOUT_MS} ms (about 24 days)`),
  );

/** A callback option. */
export const CallbackOption = z.custom<(...args: never[]) => unknown>(
  (value) => typeof value === 'function',
  { message: 'must be a function' },
);

/** A plain options object (for options passed through to another library, e.g. node-postgres). */
export const PlainObjectOption = z.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  { message: 'must be an object' },
);

/** An `AbortSignal` that stops long work (a migration, an import) at its next page. */
export const AbortSignalOption = z.custom<AbortSignal>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function',
  { message: 'must be an AbortSignal (from an AbortController)' },
);

/** A migration strategy: `archive` or `carry-over`. */
export const StrategyOption = z.enum(
  MIGRATION_STRATEGIES as [MigrationStrategy, ...MigrationStrategy[]],
  { error: () => `must be ${MIGRATION_STRATEGIES.join(' or ')}` },
);

/** `migration`: how a v1 database is migrated on open. `backfill` needs `carry-over`. */
export const MigrationOptions = z
  .strictObject({
    strategy: z.optional(StrategyOption),
    backfill: z.optional(z.boolean()),
    /** Rows per page of the carry-over copy and of backfill (each page reports progress). */
    pageSize: z.optional(
      z.number().check(z.int('must be a whole number'), z.gte(1, 'must be at least 1')),
    ),
  })
  .check(
    z.refine((m) => !m.backfill || m.strategy === 'carry-over', {
      path: ['backfill'],
      message: "needs strategy: 'carry-over' (backfill computes metrics for carried-over runs)",
    }),
  );

/**
 * The options `MetadataManager.open` takes besides `adapter` and `database`;
 * wrappers (`openRunDatabase`, `openPostgresRunDatabase`, a browser store's
 * `open`) pass them through, so they spread these fields into their own schema.
 */
export const MANAGER_OPTION_FIELDS = {
  autoMigrate: z.optional(z.boolean()),
  migration: z.optional(MigrationOptions),
  readOnly: z.optional(z.boolean()),
  live: z.optional(z.boolean()),
  lockTimeoutMs: z.optional(DurationMs),
  onMigrationProgress: z.optional(CallbackOption),
  signal: z.optional(AbortSignalOption),
};

/** A database's name in its adapter's container (`runs.db`). */
export const DatabaseNameOption = NonEmptyText;

/** Options of reading one run or its child records. */
export const ChildOptionsSchema = z.strictObject({ includeArchive: z.optional(z.boolean()) });

/** Options of `getSnapshot`. */
export const SnapshotOptionsSchema = z.strictObject({
  narrative: z.nullish(NarrativeSummary),
  includeArchive: z.optional(z.boolean()),
});

/** Options of `iterateRuns`. */
export const IterateOptionsSchema = z.strictObject({
  pageSize: z.optional(
    z.number().check(z.int('must be a whole number'), z.gte(1, 'must be at least 1')),
  ),
  /** Attach each run's mechanisms, resolutions and validations (a dump's lines). */
  withChildren: z.optional(z.boolean()),
});

/**
 * The filter of `iterateRuns`: a {@link RunFilter} without what paging in
 * insertion order cannot honour (a limit, newest-first order). With
 * `includeArchive`, the archive's runs follow the active ones.
 */
export const IterateRunsFilter = z.extend(RunFilter, {
  limit: z.optional(
    z.never({
      error: () => 'iterateRuns has no limit (stop iterating); use getAllRuns({ limit })',
    }),
  ),
  order: z.optional(
    z.literal('oldest-first', {
      error: () => 'iterateRuns reads in insertion order; use getAllRuns({ order })',
    }),
  ),
});

/** A valid `Date` (not `new Date('nonsense')`). */
const ValidDate = z.date({ error: () => 'must be a valid Date' });

/** Options of `findStaleRuns`. */
export const StaleRunsOptions = z.strictObject({
  olderThanMs: z.number().check(z.nonnegative('must not be negative')),
  now: z.optional(ValidDate),
  /** Also list the archive's stale runs (`source: 'archive'`); they cannot be closed. */
  includeArchive: z.optional(z.boolean()),
});

/** Options of `closeStaleRuns` (the active database only: the archive is never changed). */
export const CloseStaleRunsOptions = z.extend(z.omit(StaleRunsOptions, { includeArchive: true }), {
  reason: z.optional(NonEmptyText),
});

/** Rows per page of long work (copies, carry-over): a whole number, at least 1. */
export const PageSizeOption = z
  .number()
  .check(z.int('must be a whole number'), z.gte(1, 'must be at least 1'));

/** Options of `applyMigration` (running a plan). */
export const ApplyOptionsSchema = z.strictObject({
  onProgress: z.optional(CallbackOption),
  pageSize: z.optional(PageSizeOption),
  signal: z.optional(AbortSignalOption),
});

/** A plan made by `planMigration` (checked by its shape: plans are plain objects). */
export const MigrationPlanOption = z.custom<{ action: string }>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>).action === 'string' &&
    typeof (value as Record<string, unknown>).database === 'string' &&
    Array.isArray((value as Record<string, unknown>).steps),
  { message: 'must be a plan made by planMigration()' },
);

/** The schema `planMigration` plans for: `observeSchema(db)`, or null for a missing database. */
export const ObservedSchemaOption = z.custom<{ tables: Record<string, unknown> }>(
  (value) =>
    value === null ||
    (typeof value === 'object' &&
      typeof (value as Record<string, unknown>).tables === 'object' &&
      (value as Record<string, unknown>).tables !== null),
  { message: 'must be what observeSchema(db) returns, or null for a missing database' },
);

/** A backend's SQL dialect (`sqliteDialect`, `postgresDialect`). */
export const DialectOption = z.custom<{ name: string }>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>).observeSchema === 'function' &&
    typeof (value as Record<string, unknown>).integrityCheck === 'function',
  { message: 'must be a SQL dialect, e.g. sqliteDialect or postgresDialect' },
);

/** Options of `planMigration`. */
export const PlanOptionsSchema = z.strictObject({
  database: z.optional(DatabaseNameOption),
  strategy: z.optional(StrategyOption),
  backfill: z.optional(z.boolean()),
  attach: z.optional(z.boolean()),
  existing: z.optional(z.readonly(z.array(z.string()))),
  dialect: z.optional(DialectOption),
});

/** An open database or a transaction's executor (`Database`, or `tx` inside one). */
export const ExecutorOption = z.custom<{ all: unknown }>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>).all === 'function' &&
    typeof (value as Record<string, unknown>).run === 'function' &&
    typeof (value as Record<string, unknown>).dialect === 'object',
  { message: 'must be an open database (openDatabase(adapter, name)) or a transaction executor' },
);

/** Options of opening a database by name (`openDatabase`, an adapter's `open`). */
export const OpenOptionsSchema = z.strictObject({
  readOnly: z.optional(z.boolean()),
  exactIntegers: z.optional(z.boolean()),
  brief: z.optional(z.boolean()),
  live: z.optional(z.boolean()),
});

/** Options of `copyTables`. */
export const CopyOptionsSchema = z.strictObject({
  pageSize: z.optional(PageSizeOption),
  onProgress: z.optional(CallbackOption),
  signal: z.optional(AbortSignalOption),
});

/** Options of `copyDatabase` (and `importSqliteImage`): a copy, optionally replacing. */
export const CopyDatabaseOptionsSchema = z.extend(CopyOptionsSchema, {
  replace: z.optional(z.boolean()),
});

const Count = z
  .number()
  .check(z.int('must be a whole number'), z.nonnegative('must not be negative'));

/** What `changesSinceMigration` returns, as `describeChanges` takes it. */
export const ChangesSinceMigrationSchema = z.strictObject({
  migratedAt: z.nullable(z.string()),
  newRuns: Count,
  changedRuns: Count,
  runsWithV2Fields: Count,
  childRowsAdded: z.record(z.string(), Count),
  columnsAdded: z.array(z.string()),
});

/** Options of `compareRuns`. */
export const CompareOptionsSchema = z.strictObject({
  /** The run deltas are measured from: one of the compared runs. */
  baseline: z.optional(NonEmptyText),
  includeArchive: z.optional(z.boolean()),
});

/** Options of `buildDemoDatabase`. */
export const DemoDatabaseOptionsSchema = z.strictObject({
  database: z.optional(DatabaseNameOption),
  v1Runs: z.optional(Count),
  v2Runs: z.optional(Count),
  onStep: z.optional(CallbackOption),
});

/** Options of `createMemoryContainer`. */
export const MemoryContainerOptionsSchema = z.strictObject({
  onChange: z.optional(CallbackOption),
});

/**
 * Validate an options object: like {@link parseInput}, and a value that is not
 * an object at all is named as `name` (`options`) rather than as `input`. With
 * `prefix`, fields are named under it (`filter.limit`).
 */
export function parseOptions<S extends z.ZodMiniType>(
  schema: S,
  value: unknown,
  {
    name = 'options',
    prefix = '',
    operation = 'write',
    checkText = true,
  }: { name?: string; prefix?: string; operation?: 'read' | 'write'; checkText?: boolean } = {},
): z.output<S> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(name, `must be an object (got ${previewValue(value)})`, {
      operation,
    });
  }
  return parseInput(schema, value, prefix, operation, checkText);
}
