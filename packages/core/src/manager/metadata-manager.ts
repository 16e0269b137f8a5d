/**
 * The MetadataManager: the SDK's entry point. It owns every invariant — strict
 * validated writes, lenient lossless reads, migrate-once on open, close-once —
 * over any {@link StorageAdapter}.
 */
import { z } from 'zod';
import type { ReadIssue } from '../columns/codecs.js';
import {
  type ColumnDef,
  CURRENT_SCHEMA_VERSION,
  RUN_COLUMNS,
  TABLES,
  type TableDef,
  V1_SCHEMA_VERSION,
} from '../columns/registry.js';
import { decodeRow, encodeFields, encodeRows, fieldIndex } from '../columns/rows.js';
import {
  addColumnSql,
  columnDefinitionSql,
  insertSql,
  quoteIdent,
  returningSql,
  selectSql,
  updateSql,
} from '../columns/sql.js';
import { classifySqliteError } from '../error-classification.js';
import {
  NeedsMigrationError,
  NewerSchemaError,
  NotADatabaseError,
  ReadOnlyError,
  type RunFinishedError,
  RunNotFoundError,
  ValidationError,
} from '../errors.js';
import { asFilterError } from '../filter/engine-limits.js';
import {
  fidelityDistribution,
  fidelityEfficiencyScore,
  tokenBudgetCompliance,
} from '../metrics/fidelity.js';
import { sortMechanisms } from '../metrics/mechanisms.js';
import { metricsFromV1 } from '../metrics/v1-metrics.js';
import {
  type CarryOverArchiveOptions,
  type CarryOverArchiveResult,
  carryOverArchive,
} from '../migrate/carry-over-archive.js';
import type { SchemaDetection } from '../migrate/detect.js';
import {
  applyInPlace,
  applyMigration,
  type MigrationProgress,
  type MigrationResult,
} from '../migrate/execute.js';
import { refuseForeignCode, refuseStandIns, standIns } from '../migrate/foreign-code.js';
import { type ObservedSchema, observeSchema } from '../migrate/observe.js';
import {
  foreignDetail,
  type MigrationPlan,
  type MigrationStrategy,
  planMigration,
} from '../migrate/plan.js';
import { asideNameFor, restoringNameFor, siblingName } from '../migrate/working-names.js';
import { recordBatchArgument, runIdArgument, sqlArguments } from '../schema/arguments.js';
import {
  ChildOptionsSchema,
  CloseStaleRunsOptions,
  IterateOptionsSchema,
  IterateRunsFilter,
  ManagerOpenOptions,
  ManagerPlanOptions,
  parseOptions,
  SnapshotOptionsSchema,
  StaleRunsOptions,
} from '../schema/options.js';
import {
  type MechanismUsage,
  MechanismUsageInput,
  type ResolutionAssignment,
  ResolutionAssignmentInput,
  type ValidationRecord,
  ValidationRecordInput,
} from '../schema/records.js';
import {
  CompleteRunInput,
  RunFilter,
  type RunMetadata,
  type RunSource,
  StartRunInput,
} from '../schema/run-metadata.js';
import { givenStrategy, type StoredStrategy } from '../schema/strategy.js';
import { parseInput } from '../schema/validate.js';
import { nowIso } from '../schema/values.js';
import {
  type NarrativeSummary,
  type SimulationSnapshot,
  V1_DERIVED_FIELDS,
} from '../snapshot/snapshot.js';
import type { Row, SqlParams, StorageAdapter } from '../storage/adapter.js';
import type { Database, Executor } from '../storage/database.js';
import { keyOrderBy, rowOrderOf } from '../storage/keyset-pages.js';
import { openDatabase } from '../storage/open-database.js';
import { SDK_VERSION } from '../version.js';
import { refuseWritingArchive } from './archive-guard.js';
import { openArchiveDatabase } from './archive-open.js';
import { archivedOnly, ID_BATCH, unionInOrder } from './archive-union.js';
import { missingDatabaseError } from './missing-database.js';
import { runNotFound } from './not-found.js';
import { queryInputError, queryReadsOnly } from './query-errors.js';
import { type RollbackOptions, type RollbackResult, rollbackMigration } from './rollback.js';
import { pageRuns, presentRunIds } from './run-pages.js';
import {
  decodeRun,
  groupMechanisms,
  mechanismsSelect,
  type ResolvedFilter,
  runsSelect,
} from './run-queries.js';
import { claimOpenRun, refuseIfFinished } from './run-state.js';

/**
 * Options for {@link MetadataManager.open}. They are validated before anything is
 * opened (`ManagerOpenOptions`): a wrong value or an unknown key throws a
 * `ValidationError` naming it.
 */
export interface ManagerOptions {
  /** Where databases live (a folder, memory, IndexedDB...). */
  adapter: StorageAdapter;
  /** Name of the database in the adapter's container. Default `runs.db`. */
  database?: string;
  /** Migrate v1 (and repair v2) on open. Default `true`; `false` throws {@link NeedsMigrationError}. */
  autoMigrate?: boolean;
  /**
   * How to migrate v1: `archive` (default) or `carry-over`, optionally with
   * `backfill` (carry-over only); `pageSize` is the rows per copy and backfill
   * page (default 5000), each page reported to `onMigrationProgress`.
   */
  migration?: { strategy?: MigrationStrategy; backfill?: boolean; pageSize?: number };
  /** Open without writing anything, ever: no migration, no repair; writes throw. */
  readOnly?: boolean;
  /** How long to wait for another process's migration lock. Default 60 000 ms. */
  lockTimeoutMs?: number;
  /** Progress of a migration run by `open`. */
  onMigrationProgress?: (progress: MigrationProgress) => void;
  /**
   * Cancels a migration run by `open` while the v2 database is still being built
   * aside; `open` then throws `InterruptedError` and the database is unchanged
   * (see `ApplyOptions.signal`).
   */
  signal?: AbortSignal;
}

/** The child-record batch accepted by {@link MetadataManager.recordBatch}. */
export interface RecordBatch {
  mechanisms?: readonly MechanismUsageInput[];
  resolutions?: readonly ResolutionAssignmentInput[];
  validations?: readonly ValidationRecordInput[];
}

/** 0001-01-01T00:00:00Z, the earliest time ISO-8601 text (four-digit years) can hold. */
const EARLIEST_TIME_MS = -62_135_596_800_000;

/** Options for reading a run's child records. */
export interface ChildOptions {
  /** Read them from the archive when the run is not in the active database. */
  includeArchive?: boolean;
}

/** Options for {@link MetadataManager.getSnapshot}. */
export interface SnapshotOptions {
  /** The narrative to include (see `loadLatestNarrative` in `@runmeta/node-sqlite`). */
  narrative?: NarrativeSummary | null;
  /** Look the run up in the archive too. */
  includeArchive?: boolean;
}

/**
 * Strict write shape of a whole run, derived from the column registry: an
 * unknown key (a typo such as `tokenbudget`) is refused, not dropped.
 */
export const RunMetadataInput = z
  .strictObject(
    Object.fromEntries(
      Object.entries(RUN_COLUMNS).map(([field, column]) => [
        field,
        field === 'runId' ? column.schema : (column.schema as z.ZodType).nullish(),
      ]),
    ) as { [K in keyof typeof RUN_COLUMNS]: z.ZodType },
  )
  .extend({
    extra: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).optional(),
  });
/** A run to save with {@link MetadataManager.saveMetadata}: any read run, or a hand-made one. */
export type RunMetadataInput = Partial<Omit<RunMetadata, 'runId'>> & {
  runId: string;
};

function generateRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
  const bytes = new Uint8Array(4);
  globalThis.crypto.getRandomValues(bytes);
  return `run_${stamp}_${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Track simulation runs in a run database.
 *
 * @example
 * ```ts
 * const manager = await MetadataManager.open({ adapter: createNodeSqliteAdapter({ directory: 'metadata' }) });
 * const run = await manager.startRun({ templateId: 'board_meeting', causalMode: 'forward', tokenBudget: 50_000 });
 * await manager.recordResolution(run.runId, { entityId: 'ceo', resolution: 'DIALOG', timepointId: 'tp_001' });
 * await manager.completeRun(run.runId, { entitiesCreated: 5, timepointsCreated: 3, costUsd: 0.04, tokensUsed: 43_650 });
 * await manager.close();
 * ```
 */
export class MetadataManager {
  /** Columns each table actually has (observed), by table name. */
  private columns = new Map<string, string[]>();
  /** Whether `runs.run_id` is the table's key (so the engine itself refuses duplicates). */
  private runIdIsKey = false;
  /** The schema as last observed (row orders, tables without rowid). */
  private observed: ObservedSchema | undefined;
  private columnsChanged = false;
  private archive:
    | { db: Database; columns: string[]; name: string; schema: ObservedSchema }
    | null
    | undefined;

  private constructor(
    private readonly adapter: StorageAdapter,
    private db: Database,
    /** Name of the database in its container. */
    readonly database: string,
    /** What opening did to the schema (null: nothing to do). */
    readonly migration: MigrationResult | null,
    private readonly readOnlyReason: string | null,
    /** What the database was found to be when it was opened. */
    readonly detection: SchemaDetection,
  ) {}

  /**
   * Open a run database: detect its schema, then create, repair or migrate it as
   * the options say. An interrupted migration from an earlier process is finished
   * first.
   */
  static async open(given: ManagerOptions): Promise<MetadataManager> {
    // Options are checked before anything is opened: a typo must not migrate.
    const options = parseOptions(ManagerOpenOptions, given) as ManagerOptions;
    const { adapter } = options;
    const database = options.database ?? 'runs.db';
    const location = adapter.describe(database);
    const readOnly = !!options.readOnly;
    if (!readOnly) refuseWritingArchive(adapter, database);
    // Look before touching: the first look is always read-only, so a database
    // that is refused (newer, foreign, autoMigrate off) is never opened for writing.
    let { db, plan, schema } = await inspect(adapter, database, options);
    let migration: MigrationResult | null = null;
    let readOnlyReason: string | null = readOnly ? 'opened with readOnly: true' : null;
    try {
      if (readOnly) {
        if (!db) throw await missingDatabaseError(adapter, database, location);
        readOnlyReason = unusable(plan.detection, location, true) ?? readOnlyReason;
      }
      const leftovers = !readOnly && (await hasLeftovers(adapter, database));
      if (!readOnly && !leftovers && plan.action !== 'create') {
        // No lock is needed to refuse, or to use an up-to-date database (the common
        // case): nothing is written, not even a lock file, unless work is needed.
        unusable(plan.detection, location, false);
        if (schema) refuseWritingInPlace(plan, schema, location);
        refuseWithoutConsent(plan, location, options);
      }
      if (!readOnly && !leftovers && plan.action === 'none') {
        await db?.close();
        db = await openDatabase(adapter, database);
      } else if (!readOnly) {
        // Schema work: under the adapter's lock, and re-planned once the lock is
        // held, because another process may have done the work while we waited.
        await db?.close();
        db = null;
        const release = await adapter.lock?.(database, {
          timeoutMs: options.lockTimeoutMs ?? 60_000,
          signal: options.signal,
        });
        try {
          await recoverInterruptedMigration(adapter, database);
          let current: ObservedSchema | null;
          ({ db, plan, schema: current } = await inspect(adapter, database, options));
          schema = null; // the schema is about to change: observe it again afterwards
          unusable(plan.detection, location, false);
          if (current) refuseWritingInPlace(plan, current, location);
          await db?.close();
          db = null;
          refuseWithoutConsent(plan, location, options);
          if (plan.action === 'create' || plan.action === 'migrate') {
            migration = await applyMigration(adapter, plan, {
              onProgress: options.onMigrationProgress,
              pageSize: options.migration?.pageSize,
              signal: options.signal,
            });
          }
          db = await openDatabase(adapter, database);
          if (plan.action === 'repair') migration = await applyInPlace(db, plan);
        } finally {
          await release?.();
        }
      }
      if (!db) throw new NotADatabaseError(location, 'does not exist');
      if (!readOnlyReason && adapter.capabilities.wal) {
        // WAL lets readers proceed while one process writes; it is set only now, once
        // the file is known to be v2, so refusing to open a file never changes it.
        await db.all('PRAGMA journal_mode = WAL');
      }
      const manager = new MetadataManager(
        adapter,
        db,
        database,
        migration,
        readOnlyReason,
        plan.detection,
      );
      // The first look already observed an unchanged schema; observe only after work.
      await manager.refreshColumns(schema ?? undefined);
      return manager;
    } catch (error) {
      await db?.close();
      // Container operations can fail with plain system errors (EISDIR, EACCES…):
      // every failure leaves open as a typed runmeta error.
      throw classifySqliteError(error, location);
    }
  }

  /**
   * Plan what opening would do, without writing anything (a dry run). The
   * database is opened read-only.
   */
  static async plan(
    given: Omit<ManagerOptions, 'readOnly' | 'autoMigrate'>,
  ): Promise<MigrationPlan> {
    const options = parseOptions(ManagerPlanOptions, given) as typeof given;
    // Opening it would refuse: so does its plan.
    refuseWritingArchive(options.adapter, options.database ?? 'runs.db');
    const { db, plan } = await inspect(options.adapter, options.database ?? 'runs.db', {
      ...options,
      readOnly: true,
    });
    await db?.close();
    return plan;
  }

  /**
   * Roll a migration back: keep the v2 database as `runs_v2_backup.db` and
   * restore the v1 archive as `runs.db`. Requires `confirm: true`; no manager may
   * have the database open. Note that the next `open` with `autoMigrate` (the
   * default) migrates the restored v1 file again.
   */
  static rollback(options: RollbackOptions): Promise<RollbackResult> {
    return rollbackMigration(options);
  }

  /**
   * Carry a database's v1 archive over into it, after a migration with the
   * archive strategy: every archived run and child row is copied into the active
   * v2 database (schema_version `1.0`, v2 fields null, source columns v2 lacks
   * added; `backfill: true` computes the v2 metrics v1 data allows), so archived
   * runs can be written to again — closed when stale, completed, recorded on.
   *
   * Runs the active database already holds are skipped (the active copy wins,
   * never overwritten), so a second call carries nothing. One transaction under
   * the migration lock, verified (row counts, integrity) and recorded in
   * `runmeta_migrations`; the archive is only read, and stays as it was for
   * rollback. Carried child rows keep their archived ids unless one of a table's
   * ids is taken in the active database; then that table's carried rows get new
   * ids, in archive order. `dryRun: true` reports the same numbers and changes
   * nothing. No manager may be writing the database meanwhile (it waits for the
   * write lock). `onProgress` hears of every page; `signal` stops it at the next
   * one, rolled back. Options are validated (`ValidationError`, nothing carried).
   *
   * @example
   * ```ts
   * const result = await MetadataManager.carryOverArchive({ adapter, backfill: true });
   * console.log(`${result.runsCarried} runs carried, ${result.runsSkipped} already there`);
   * ```
   */
  static carryOverArchive(options: CarryOverArchiveOptions): Promise<CarryOverArchiveResult> {
    return carryOverArchive(options);
  }

  private async refreshColumns(observed?: ObservedSchema): Promise<void> {
    const schema = observed ?? (await observeSchema(this.db));
    this.observed = schema;
    const keys = (schema.tables.runs ?? []).filter((c) => c.primaryKey).map((c) => c.name);
    this.runIdIsKey = keys.length === 1 && keys[0] === 'run_id';
    this.columns = new Map(
      Object.entries(schema.tables).map(([t, cols]) => [t, cols.map((c) => c.name)]),
    );
  }

  private columnsOf(table: string): string[] {
    return this.columns.get(table) ?? [];
  }

  /** Whether writes are refused, and why (null when writable). */
  get readOnly(): string | null {
    return this.readOnlyReason;
  }

  /**
   * A write transaction. A known column added on demand inside it is put in the
   * column cache at once (later statements need it); if the transaction then
   * rolls back, so does the ALTER, and the cache is re-read from the database.
   */
  private async write<T>(fn: (tx: Executor) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(fn);
    } catch (error) {
      if (this.columnsChanged) await this.refreshColumns();
      throw error;
    } finally {
      this.columnsChanged = false;
    }
  }

  private assertWritable(): void {
    if (!this.readOnlyReason) return;
    const location = this.adapter.describe(this.database);
    if (this.detection.kind === 'newer') {
      throw new NewerSchemaError(location, this.detection.version!, CURRENT_SCHEMA_VERSION);
    }
    throw new ReadOnlyError(location, this.readOnlyReason, {
      hint: 'Open it without readOnly: true to write to it',
      // The CLI opens read-only only for commands that never write.
      cliHint: 'Run with --debug and report it',
    });
  }

  // ---------------------------------------------------------------- writes

  /**
   * Start a run (status `running`). Returns the stored run. A given `runId` that
   * already exists — in the active database or in its read-only v1 archive — is
   * refused with a {@link ValidationError}.
   */
  async startRun(input: StartRunInput): Promise<RunMetadata> {
    this.assertWritable();
    const value = parseInput(StartRunInput, input);
    const createdAt = value.createdAt ?? nowIso();
    const strategy = givenStrategy(value);
    const runId = value.runId ?? generateRunId();
    const fields: Record<string, unknown> = {
      runId,
      templateId: value.templateId,
      createdAt,
      updatedAt: createdAt,
      causalMode: value.causalMode,
      goal: value.goal,
      originDescription: value.originDescription,
      portalDescription: value.portalDescription,
      portalYear: value.portalYear,
      originYear: value.originYear,
      backwardSteps: value.backwardSteps,
      status: 'running',
      entitiesCreated: 0,
      timepointsCreated: 0,
      trainingExamples: 0,
      costUsd: 0,
      llmCalls: 0,
      tokensUsed: 0,
      schemaVersion: '2.0',
      fidelityStrategy: strategy,
      startedAt: createdAt, // deployed files declare started_at NOT NULL
    };
    // An id of the read-only archive would silently shadow that run wherever both
    // databases are read (the active copy wins): refused like any duplicate.
    if (value.runId !== undefined) await this.refuseArchivedId(runId);
    // The stored row comes back from the INSERT itself (RETURNING): no second
    // read, and the result is exactly what this transaction wrote.
    return this.write(async (tx) => {
      if (!this.runIdIsKey && (await this.runExists(tx, runId))) throw duplicateRun(runId);
      try {
        return await this.insertRun(tx, fields);
      } catch (error) {
        throw isDuplicateKey(error, 'runs', 'run_id') ? duplicateRun(runId) : error;
      }
    });
  }

  /** Record one mechanism event. */
  recordMechanism(runId: string, input: MechanismUsageInput): Promise<void> {
    return this.recordBatch(runId, { mechanisms: [input] });
  }
  /** Record many mechanism events in one transaction. */
  recordMechanisms(runId: string, inputs: readonly MechanismUsageInput[]): Promise<void> {
    return this.recordBatch(runId, { mechanisms: inputs });
  }
  /** Record one resolution assignment. Levels may be given upper-case (`DIALOG`). */
  recordResolution(runId: string, input: ResolutionAssignmentInput): Promise<void> {
    return this.recordBatch(runId, { resolutions: [input] });
  }
  /** Record many resolution assignments in one transaction. */
  recordResolutions(runId: string, inputs: readonly ResolutionAssignmentInput[]): Promise<void> {
    return this.recordBatch(runId, { resolutions: inputs });
  }
  /** Record one validation outcome. */
  recordValidation(runId: string, input: ValidationRecordInput): Promise<void> {
    return this.recordBatch(runId, { validations: [input] });
  }
  /** Record many validation outcomes in one transaction. */
  recordValidations(runId: string, inputs: readonly ValidationRecordInput[]): Promise<void> {
    return this.recordBatch(runId, { validations: inputs });
  }

  /**
   * Record mechanisms, resolutions and validations of one run in a single
   * transaction: all rows land, or (on any invalid item) none do. This is the
   * fast path for pipelines that buffer events.
   *
   * Only a run that is not finished takes records: on a `completed` or `failed`
   * run this (like every `record*` method) throws {@link RunFinishedError} and
   * writes nothing — record events before {@link MetadataManager.completeRun}.
   */
  async recordBatch(runId: string, batch: RecordBatch): Promise<void> {
    this.assertWritable();
    runId = runIdArgument(runId, 'write');
    batch = recordBatchArgument(batch) as RecordBatch;
    const now = nowIso();
    const children: [TableDef, Record<string, unknown>[]][] = [
      [
        TABLES.mechanismUsage,
        (batch.mechanisms ?? []).map((m, i) =>
          parseInput(MechanismUsageInput, m, `mechanisms[${i}]`),
        ),
      ],
      [
        TABLES.resolutionAssignments,
        (batch.resolutions ?? []).map((r, i) =>
          parseInput(ResolutionAssignmentInput, r, `resolutions[${i}]`),
        ),
      ],
      [
        TABLES.validations,
        (batch.validations ?? []).map((v, i) =>
          parseInput(ValidationRecordInput, v, `validations[${i}]`),
        ),
      ],
    ];
    const shared = { runId, timestamp: now };
    await this.write(async (tx) => {
      // Touching updated_at first doubles as the check that the run exists and
      // is not finished (a finished run's record is final).
      await claimOpenRun(tx, runId, now, this.columnsOf('runs'));
      for (const [table, rows] of children) {
        if (rows.length === 0) continue;
        const { columns, paramSets } = encodeRows(table, rows, shared);
        await tx.runMany(insertSql(table.name, columns), paramSets);
      }
    }).catch((error: unknown) => this.explainMissing(error, runId));
  }

  /**
   * Complete a run: store the final counts, cost and tokens, and compute the v2
   * metrics it can — compliance from the token budget (given here or in the
   * strategy), distribution from the recorded assignments, efficiency from the
   * counts. Explicit values win. An `errorMessage` marks the run `failed`.
   * A run completes once: a finished run throws {@link RunFinishedError}.
   */
  async completeRun(runId: string, input: CompleteRunInput): Promise<RunMetadata> {
    this.assertWritable();
    runId = runIdArgument(runId, 'write');
    const value = parseInput(CompleteRunInput, input);
    const now = value.completedAt ?? nowIso();
    return this.write(async (tx) => {
      const run = await this.readRunState(tx, runId);
      if (!run) throw new RunNotFoundError(runId);
      // Completing twice would silently overwrite the first results.
      refuseIfFinished(runId, run.status);
      const actual = value.actualTokensUsed ?? value.tokensUsed;
      const strategy = run.fidelityStrategy as StoredStrategy | null;
      const budget =
        value.tokenBudget ??
        (typeof strategy?.tokenBudget === 'number' ? strategy.tokenBudget : null);
      const compliance = value.tokenBudgetCompliance ?? tokenBudgetCompliance(actual, budget);
      let distribution = value.fidelityDistribution ?? null;
      if (!distribution) {
        const assignments = await tx.all(
          'SELECT "id", "entity_id", "resolution", "timestamp" FROM "resolution_assignments" WHERE "run_id" = ?',
          [runId],
        );
        if (assignments.length) {
          distribution = fidelityDistribution(
            assignments.map((a) => ({
              entityId: String(a.entity_id),
              resolution: a.resolution as string | null,
              timestamp: a.timestamp as string | null,
              id: Number(a.id),
            })),
          );
        }
      }
      const fields: Record<string, unknown> = {
        entitiesCreated: value.entitiesCreated,
        timepointsCreated: value.timepointsCreated,
        trainingExamples: value.trainingExamples,
        costUsd: value.costUsd,
        llmCalls: value.llmCalls,
        tokensUsed: value.tokensUsed,
        status: value.errorMessage ? 'failed' : 'completed',
        errorMessage: value.errorMessage ?? null,
        oxenRepoUrl: value.oxenRepoUrl ?? undefined,
        oxenDatasetUrl: value.oxenDatasetUrl ?? undefined,
        actualTokensUsed: actual,
        tokenBudgetCompliance: compliance,
        fidelityEfficiencyScore:
          value.fidelityEfficiencyScore ??
          fidelityEfficiencyScore(value.entitiesCreated, value.timepointsCreated, actual),
        fidelityDistribution: distribution,
        updatedAt: now,
        completedAt: now,
      };
      if (strategy) {
        fields.fidelityStrategy = {
          ...strategy,
          ...(budget !== null && strategy.tokenBudget === undefined ? { tokenBudget: budget } : {}),
          actualTokensUsed: actual,
          actualCostUsd: value.costUsd,
          budgetComplianceRatio: compliance,
        };
      }
      return (await this.updateRun(tx, runId, fields))!;
    }).catch((error: unknown) => this.explainMissing(error, runId));
  }

  /**
   * Store a run summary. `summary` is a deployed column, not part of a fresh v2
   * table: it is added on first use (additive, recorded in the history table).
   */
  async updateSummary(runId: string, summary: string): Promise<RunMetadata> {
    this.assertWritable();
    runId = runIdArgument(runId, 'write');
    const text = parseInput(z.string(), summary, 'summary');
    return this.write(async (tx) => {
      if (!(await this.runExists(tx, runId))) throw new RunNotFoundError(runId);
      return (await this.updateRun(tx, runId, { summary: text, summaryGeneratedAt: nowIso() }))!;
    }).catch((error: unknown) => this.explainMissing(error, runId));
  }

  private async refuseArchivedId(runId: string): Promise<void> {
    const archive = await this.openArchive().catch(() => null);
    if (archive?.columns.length && (await presentRunIds(archive.db, [runId])).size) {
      throw new ValidationError(
        'runId',
        `a run with id "${runId}" already exists, in the read-only v1 archive ${this.adapter.describe(archive.name)}`,
        { hint: 'Choose another id (or leave it out to get a new one); nothing was written' },
      );
    }
  }

  /**
   * Insert or replace a whole run (upsert on `runId`). Every field is validated;
   * `extra` may only name columns the table already has.
   */
  async saveMetadata(run: RunMetadataInput): Promise<RunMetadata> {
    this.assertWritable();
    const { extra, ...fields } = parseInput(
      RunMetadataInput,
      stripReadOnly(parseOptions(z.looseObject({}), run, { name: 'run' }) as RunMetadataInput),
    );
    // Deployed files declare started_at NOT NULL: mirror created_at as startRun does.
    if (fields.startedAt === undefined && fields.createdAt) fields.startedAt = fields.createdAt;
    const columns = this.columnsOf('runs');
    for (const name of Object.keys(extra ?? {})) {
      if (!columns.includes(name) || fieldIndex(TABLES.runs).has(name)) {
        throw new ValidationError(
          `extra.${name}`,
          `the runs table has no column "${name}" outside the known fields`,
        );
      }
    }
    return this.write(async (tx) => {
      const encoded = await this.encodeRunFields(tx, fields);
      encoded.columns.push(...Object.keys(extra ?? {}));
      encoded.params.push(...Object.values(extra ?? {}));
      const rows = await tx.all(
        insertSql('runs', encoded.columns, 'run_id') + returningSql(this.columnsOf('runs')),
        encoded.params,
      );
      return decodeRun(rows[0]!);
    });
  }

  /**
   * Runs still `running` that were created more than `olderThanMs` ago — runs
   * whose process died (deployed databases have such runs), oldest first.
   *
   * With `includeArchive: true`, stale runs of the read-only v1 archive are
   * merged in (`source: 'archive'`; a run also in the active database is its
   * active copy). {@link MetadataManager.closeStaleRuns} cannot close those: count them
   * with `(await findStaleRuns({ olderThanMs, includeArchive: true })).filter((r) => r.source === 'archive')`,
   * and carry the archive over first ({@link MetadataManager.carryOverArchive}).
   */
  async findStaleRuns(given: {
    olderThanMs: number;
    now?: Date;
    includeArchive?: boolean;
  }): Promise<RunMetadata[]> {
    const { olderThanMs, now, includeArchive } = parseOptions(StaleRunsOptions, given);
    // An age reaching before year 1 means "every run": the cutoff stops there.
    const cutoff = new Date(
      Math.max((now ?? new Date()).getTime() - olderThanMs, EARLIEST_TIME_MS),
    ).toISOString();
    // With the archive: one run per id (its active copy), merged in time order.
    return this.getAllRuns({ status: 'running', until: cutoff, includeArchive });
  }

  /**
   * Close stale runs of the active database (see
   * {@link MetadataManager.findStaleRuns}) as `failed`, with `reason` as their
   * error message, in one transaction. Returns the runs as they are now. Runs
   * still `running` in the read-only v1 archive are not closed (nothing there is
   * ever changed); `findStaleRuns({ olderThanMs, includeArchive: true })` lists
   * them, and {@link MetadataManager.carryOverArchive} makes them closable.
   */
  async closeStaleRuns(given: {
    olderThanMs: number;
    reason?: string;
    now?: Date;
  }): Promise<RunMetadata[]> {
    this.assertWritable();
    const options = parseOptions(CloseStaleRunsOptions, given);
    const stale = await this.findStaleRuns({ olderThanMs: options.olderThanMs, now: options.now });
    const reason =
      options.reason ??
      `closed by runmeta: still running after ${Math.round(options.olderThanMs / 60_000)} min`;
    const now = (options.now ?? new Date()).toISOString();
    return this.write(async (tx) => {
      const closed: RunMetadata[] = [];
      for (const run of stale) {
        // It may have finished since it was found: a finished run's record is final.
        const state = await this.readRunState(tx, run.runId);
        if (state?.status !== 'running') continue;
        const updated = await this.updateRun(tx, run.runId, {
          status: 'failed',
          errorMessage: reason,
          updatedAt: now,
          completedAt: now,
        });
        if (updated) closed.push(updated);
      }
      return closed;
    });
  }

  // ----------------------------------------------------------------- reads

  /** One run by id. Throws {@link RunNotFoundError} (the archive is searched when asked). */
  async getRun(runId: string, given: ChildOptions = {}): Promise<RunMetadata> {
    runId = runIdArgument(runId, 'read');
    const options = parseOptions(ChildOptionsSchema, given);
    const run = await this.readRun(this.db, runId);
    if (run) {
      if (options.includeArchive) run.source = 'active';
      return run;
    }
    if (options.includeArchive) {
      const archive = await this.openArchive();
      if (archive) {
        const rows = await archive.db.all(
          `${selectSql('runs', archive.columns)} WHERE "run_id" = ?`,
          [runId],
        );
        if (rows[0]) return decodeRun(rows[0], 'archive');
      }
      throw new RunNotFoundError(runId);
    }
    throw await this.runNotFound(runId, 'read');
  }

  /**
   * All runs matching the filter, oldest first (the last element is the latest
   * run). With `includeArchive`, runs of the archive are merged in and each run
   * says its `source`. One query per database (plus one grouped query for
   * `withMechanisms`), never one per run.
   */
  async getAllRuns(filter: RunFilter = {}): Promise<RunMetadata[]> {
    const f = parseOptions(RunFilter, filter, {
      name: 'filter',
      prefix: 'filter',
      operation: 'read',
    });
    const active = await this.selectRuns(
      this.db,
      this.columnsOf('runs'),
      f,
      f.includeArchive ? 'active' : undefined,
    );
    if (!f.includeArchive) return active;
    const archive = await this.openArchive();
    if (!archive) return active;
    // A run in both databases (a carry-over) is the active copy, matching or not.
    const archived = await archivedOnly(this.db, f, (page) =>
      this.selectRuns(archive.db, archive.columns, { ...f, ...page }, 'archive'),
    );
    return unionInOrder(active, archived, f);
  }

  private async selectRuns(
    db: Executor,
    columns: string[],
    f: ResolvedFilter & { withMechanisms?: boolean },
    source?: RunSource,
  ) {
    const query = runsSelect(columns, f, { dialect: db.dialect });
    const rows = await db.all(query.sql, query.params).catch(asFilterError(f.where));
    const runs = rows.map((row) => decodeRun(row, source));
    if (f.withMechanisms) {
      const tables =
        db === this.db ? [...this.columns.keys()] : Object.keys((await observeSchema(db)).tables);
      const mechanisms = mechanismsSelect(columns, f, db.dialect);
      const grouped = tables.includes('mechanism_usage')
        ? groupMechanisms(
            await db.all(mechanisms.sql, mechanisms.params).catch(asFilterError(f.where)),
          )
        : new Map<string, string[]>();
      for (const run of runs) run.mechanismsUsed = grouped.get(run.runId ?? '') ?? [];
    }
    return runs;
  }

  /**
   * Iterate over matching runs page by page, so millions of runs never sit in
   * memory at once. Runs come in insertion order (rowid), which for a database
   * written over time is oldest first; use `getAllRuns` for strict creation
   * order.
   *
   * With `includeArchive: true`, the runs of the read-only v1 archive follow
   * those of the active database, also page by page, and every run says its
   * `source`. A run present in both is read once: the active copy (even when
   * only the archived copy matches the filter). Each archive page costs one
   * `IN (...)` query on the active database.
   */
  async *iterateRuns(
    filter: Omit<RunFilter, 'limit' | 'order'> = {},
    options: { pageSize?: number } = {},
  ): AsyncGenerator<RunMetadata> {
    const f = parseOptions(IterateRunsFilter, filter, {
      name: 'filter',
      prefix: 'filter',
      operation: 'read',
    });
    const pageSize =
      parseOptions(IterateOptionsSchema, options, { operation: 'read' }).pageSize ?? 1000;
    const source = f.includeArchive ? 'active' : undefined;
    const order = rowOrderOf(this.observed, 'runs');
    for await (const runs of pageRuns(
      this.db,
      this.columnsOf('runs'),
      f,
      pageSize,
      source,
      order,
    )) {
      if (f.withMechanisms) await this.attachMechanisms(this.db, runs);
      yield* runs;
    }
    if (f.includeArchive) {
      for await (const runs of this.archivedPages(f, pageSize)) yield* runs;
    }
  }

  /** Pages of the archive's matching runs that the active database does not hold. */
  private async *archivedPages(
    f: z.output<typeof RunFilter>,
    pageSize: number,
  ): AsyncGenerator<RunMetadata[]> {
    const archive = await this.openArchive();
    if (!archive || archive.columns.length === 0) return;
    const withMechanisms =
      f.withMechanisms && !!(await observeSchema(archive.db)).tables.mechanism_usage;
    const order = rowOrderOf(archive.schema, 'runs');
    for await (const page of pageRuns(archive.db, archive.columns, f, pageSize, 'archive', order)) {
      const active = await presentRunIds(
        this.db,
        page.map((run) => run.runId),
      );
      const runs = page.filter((run) => !active.has(run.runId));
      if (withMechanisms) await this.attachMechanisms(archive.db, runs);
      else if (f.withMechanisms) for (const run of runs) run.mechanismsUsed = [];
      if (runs.length) yield runs;
    }
  }

  /**
   * Fill `mechanismsUsed` for a page of runs with one grouped query per
   * {@link ID_BATCH} ids (a page can be larger than the parameters a statement takes).
   */
  private async attachMechanisms(db: Executor, runs: RunMetadata[]): Promise<void> {
    if (runs.length === 0) return;
    if (db === this.db && !this.columns.has('mechanism_usage')) {
      for (const run of runs) run.mechanismsUsed = [];
      return;
    }
    const rows: Row[] = [];
    for (let i = 0; i < runs.length; i += ID_BATCH) {
      const ids = runs.slice(i, i + ID_BATCH).map((r) => r.runId);
      rows.push(
        ...(await db.all(
          `SELECT "run_id", "mechanism" FROM "mechanism_usage" WHERE "run_id" IN (${ids.map(() => '?').join(', ')}) GROUP BY "run_id", "mechanism"`,
          ids,
        )),
      );
    }
    const grouped = groupMechanisms(rows);
    for (const run of runs) run.mechanismsUsed = grouped.get(run.runId) ?? [];
  }

  /** Mechanism events of a run, in recorded order. */
  async getMechanisms(runId: string, options: ChildOptions = {}): Promise<MechanismUsage[]> {
    return this.children<MechanismUsage>(TABLES.mechanismUsage, runId, options);
  }
  /** Resolution assignments of a run, in recorded order. */
  async getResolutions(runId: string, options: ChildOptions = {}): Promise<ResolutionAssignment[]> {
    return this.children<ResolutionAssignment>(TABLES.resolutionAssignments, runId, options);
  }
  /** Validations of a run, in recorded order. */
  async getValidations(runId: string, options: ChildOptions = {}): Promise<ValidationRecord[]> {
    const rows = await this.children<ValidationRecord>(TABLES.validations, runId, options);
    return rows.map((v) => ({ ...v, violations: Array.isArray(v.violations) ? v.violations : [] }));
  }

  /** The child rows of a run, from the database that holds the run. */
  private async children<T>(table: TableDef, runId: string, given: ChildOptions): Promise<T[]> {
    runId = runIdArgument(runId, 'read');
    const options = parseOptions(ChildOptionsSchema, given);
    let db: Executor = this.db;
    let columns = this.columnsOf(table.name);
    let schema = this.observed;
    if (options.includeArchive && !(await this.runExists(this.db, runId))) {
      const archive = await this.openArchive();
      if (archive) {
        db = archive.db;
        schema = archive.schema;
        columns = (schema.tables[table.name] ?? []).map((c) => c.name);
      }
    }
    if (columns.length === 0) return [];
    // Recorded order: insertion order, or the key of a table without rowid.
    const rows = await db.all(
      `${selectSql(table.name, columns)} WHERE "run_id" = ?${keyOrderBy(rowOrderOf(schema, table.name))}`,
      [runId],
    );
    // No rows for a run that is only in the archive: say where it is rather than
    // answer "none" (a run that is nowhere keeps the empty answer).
    if (rows.length === 0 && !options.includeArchive && !(await this.runExists(this.db, runId))) {
      const missing = await this.runNotFound(runId, 'read');
      if (missing.archive) throw missing;
    }
    return rows.map((row) => {
      const { fields, extra, issues } = decodeRow(table, row);
      const record: Record<string, unknown> = fields;
      if (Object.keys(extra).length) record.extra = extra;
      if (issues.length) record.readIssues = issues;
      return record as T;
    });
  }

  /**
   * The snapshot of a run (SPEC §6); format it with `formatSnapshotForLlm`. For a
   * v1 run (archived, or carried over without backfill) the metrics its v1 data
   * allows are computed as backfill would (`metricsFromV1`) and listed in
   * `derivedFromV1`.
   */
  async getSnapshot(runId: string, given: SnapshotOptions = {}): Promise<SimulationSnapshot> {
    runId = runIdArgument(runId, 'read');
    const options = parseOptions(SnapshotOptionsSchema, given) as SnapshotOptions;
    const run = await this.getRun(runId, { includeArchive: options.includeArchive });
    // Through the child reader: a database without a mechanism_usage table (the
    // documented v1 form) has no events rather than failing the snapshot.
    const events = await this.getMechanisms(runId, { includeArchive: run.source === 'archive' });
    const mechanisms = [...new Set(events.map((event) => String(event.mechanism)))];
    const snapshot: SimulationSnapshot = {
      runId,
      templateId: run.templateId,
      causalMode: run.causalMode,
      status: run.status,
      entitiesCreated: run.entitiesCreated,
      timepointsCreated: run.timepointsCreated,
      mechanismsUsed: sortMechanisms(mechanisms),
      costUsd: run.costUsd,
      fidelityDistribution: run.fidelityDistribution,
      actualTokensUsed: run.actualTokensUsed,
      tokenBudgetCompliance: run.tokenBudgetCompliance,
      fidelityEfficiencyScore: run.fidelityEfficiencyScore,
      narrative: options.narrative ?? null,
      schemaVersion: run.schemaVersion,
    };
    if (run.schemaVersion === V1_SCHEMA_VERSION) {
      const resolutions = await this.getResolutions(runId, {
        includeArchive: run.source === 'archive',
      });
      const computed = metricsFromV1(run, resolutions);
      const derived: NonNullable<SimulationSnapshot['derivedFromV1']> = [];
      for (const field of V1_DERIVED_FIELDS) {
        if (snapshot[field] === null && computed[field] !== null) {
          (snapshot as Record<string, unknown>)[field] = computed[field];
          derived.push(field);
        }
      }
      snapshot.derivedFromV1 = derived;
    }
    return snapshot;
  }

  /**
   * Run a read-only SQL statement with parameters (an escape hatch for ad-hoc
   * reports). Writes are refused by the database itself (SQLite's `PRAGMA
   * query_only`, a read-only transaction on a server).
   */
  async query(sql: string, params: SqlParams = []): Promise<Row[]> {
    ({ sql, params } = sqlArguments(sql, params));
    // ATTACH creates files even under query_only, and PRAGMA assignments change the
    // connection: only statements that start like a read are let through at all.
    const head = sql.replace(/^(\s|--[^\n]*\n?|\/\*[\s\S]*?\*\/)+/, '');
    if (!this.db.dialect.isReadStatement(head)) {
      throw queryReadsOnly(
        this.adapter.describe(this.database),
        `query() runs reads only (SELECT, WITH, VALUES, EXPLAIN or a PRAGMA read), not "${head.slice(0, 40)}"`,
      );
    }
    return this.db.exclusive((db) =>
      db.dialect.readOnly(db, async () => {
        try {
          return await db.all(sql, params);
        } catch (error) {
          if (error instanceof ReadOnlyError) {
            throw queryReadsOnly(
              this.adapter.describe(this.database),
              'query() runs reads only',
              error,
            );
          }
          throw queryInputError(error) ?? error;
        }
      }),
    );
  }

  /**
   * Check the database's storage: SQLite's `PRAGMA integrity_check`, or on a
   * server a full read of every table. Resolves to `ok` or what is wrong.
   */
  async checkIntegrity(): Promise<string> {
    return this.db.exclusive((db) => db.dialect.integrityCheck(db, 0));
  }

  /**
   * The columns of the `runs` table as the database has them (SQL names, in
   * table order) — with `includeArchive`, the archive's own ones after them.
   * Exports use it to list every column a run has (`exportFields`).
   */
  async runsColumns(options: { includeArchive?: boolean } = {}): Promise<string[][]> {
    options = parseOptions(ChildOptionsSchema, options);
    const tables = [this.columnsOf('runs')];
    const archive = options.includeArchive ? await this.openArchive() : null;
    if (archive) tables.push(archive.columns);
    return tables;
  }

  /** Name of the archive database, if one exists. */
  async archiveName(): Promise<string | null> {
    if (this.columnsOf(TABLES.history.name).length) {
      const rows = await this.db.all(
        `SELECT "details" FROM ${quoteIdent(TABLES.history.name)} WHERE "kind" = 'migrate' ORDER BY "id" DESC LIMIT 1`,
      );
      const details = rows[0]?.details;
      if (typeof details === 'string') {
        try {
          const name = (JSON.parse(details) as { archive?: unknown }).archive;
          if (typeof name === 'string' && (await this.adapter.exists(name))) return name;
        } catch {
          // A damaged history row: fall back to the default name below.
        }
      }
    }
    const fallback = siblingName(this.database, '_v1_archive');
    return (await this.adapter.exists(fallback)) ? fallback : null;
  }

  private async openArchive() {
    if (this.archive !== undefined) return this.archive;
    const name = await this.archiveName();
    if (!name) {
      this.archive = null;
      return null;
    }
    const { db, schema } = await openArchiveDatabase(this.adapter, name, this.database);
    this.archive = { db, columns: schema.tables.runs?.map((c) => c.name) ?? [], name, schema };
    return this.archive;
  }

  /** Close the database (and the archive, if it was read). Safe to call twice. */
  async close(): Promise<void> {
    await this.archive?.db.close();
    await this.db.close();
  }

  // --------------------------------------------------------------- helpers

  private runNotFound(runId: string, operation: 'read' | 'write') {
    return runNotFound(
      runId,
      () => this.openArchive(),
      (name) => this.adapter.describe(name),
      operation,
    );
  }

  /** A write's plain "not found" becomes one that names the archive, if the run is there. */
  private async explainMissing(error: unknown, runId: string): Promise<never> {
    if (error instanceof RunNotFoundError && !error.archive) {
      throw await this.runNotFound(runId, 'write');
    }
    throw error;
  }

  private async runExists(tx: Executor, runId: string): Promise<boolean> {
    return (await tx.all('SELECT 1 AS x FROM "runs" WHERE "run_id" = ?', [runId])).length > 0;
  }

  /** What completing a run needs to know of it, without decoding the whole row. */
  private async readRunState(
    tx: Executor,
    runId: string,
  ): Promise<{ status: string | null; fidelityStrategy: StoredStrategy | null } | null> {
    const columns = this.columnsOf('runs').filter(
      (c) => c === 'status' || c === 'fidelity_strategy_json',
    );
    const rows = await tx.all(`${selectSql('runs', ['run_id', ...columns])} WHERE "run_id" = ?`, [
      runId,
    ]);
    if (!rows[0]) return null;
    const { fields } = decodeRow(TABLES.runs, rows[0]);
    return {
      status: (fields.status as string | null | undefined) ?? null,
      fidelityStrategy: (fields.fidelityStrategy as StoredStrategy | null | undefined) ?? null,
    };
  }

  private async readRun(tx: Executor, runId: string): Promise<RunMetadata | null> {
    const rows = await tx.all(`${selectSql('runs', this.columnsOf('runs'))} WHERE "run_id" = ?`, [
      runId,
    ]);
    return rows[0] ? decodeRun(rows[0]) : null;
  }

  /**
   * Encode fields for `runs`. Canonical columns always exist; a deployed column
   * (started_at, summary, ...) is written only where the table has it — except
   * when the caller explicitly sets a value, which adds the column (additive).
   */
  private async encodeRunFields(
    tx: Executor,
    fields: Record<string, unknown>,
    mirrored: readonly string[] = ['startedAt', 'completedAt'],
  ) {
    const columns = this.columnsOf('runs');
    const values: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(fields)) {
      const column = (RUN_COLUMNS as Record<string, ColumnDef>)[field];
      if (!column || value === undefined) continue;
      if (!columns.includes(column.name)) {
        if (mirrored.includes(field) || value === null) continue;
        await this.addColumn(tx, TABLES.runs, column);
      }
      values[field] = value;
    }
    return encodeFields(TABLES.runs, values);
  }

  /** Insert a run and return it as stored. */
  private async insertRun(tx: Executor, fields: Record<string, unknown>): Promise<RunMetadata> {
    const encoded = await this.encodeRunFields(tx, fields);
    const rows = await tx.all(
      insertSql('runs', encoded.columns) + returningSql(this.columnsOf('runs')),
      encoded.params,
    );
    return decodeRun(rows[0]!);
  }

  /** Update a run and return it as stored (null when no such run). */
  private async updateRun(
    tx: Executor,
    runId: string,
    fields: Record<string, unknown>,
  ): Promise<RunMetadata | null> {
    const encoded = await this.encodeRunFields(tx, fields);
    const rows = await tx.all(
      updateSql('runs', encoded.columns, 'run_id') + returningSql(this.columnsOf('runs')),
      [...encoded.params, runId],
    );
    return rows[0] ? decodeRun(rows[0]) : null;
  }

  /** Add a known column on demand, recorded in the history table. */
  private async addColumn(tx: Executor, table: TableDef, column: ColumnDef): Promise<void> {
    await tx.run(
      addColumnSql(table.name, columnDefinitionSql({ ...column, notNull: false }, tx.dialect)),
    );
    if (this.columnsOf(TABLES.history.name).length) {
      await tx.run(
        insertSql(TABLES.history.name, [
          'applied_at',
          'kind',
          'from_version',
          'to_version',
          'details',
          'sdk_version',
        ]),
        [
          nowIso(),
          'add-columns',
          '2.0',
          '2.0',
          JSON.stringify({ addedColumns: [`${table.name}.${column.name}`] }),
          SDK_VERSION,
        ],
      );
    }
    this.columns.set(table.name, [...this.columnsOf(table.name), column.name]);
    this.columnsChanged = true;
  }
}

/**
 * A database written where it is (used as it is, or repaired) must hold no code
 * that runmeta's writes would run; a v1 file that is migrated is only read, and
 * the v2 database is built new.
 */
function refuseWritingInPlace(plan: MigrationPlan, schema: ObservedSchema, location: string) {
  if (plan.action === 'none' || plan.action === 'repair') refuseForeignCode(schema, location);
}

/** With `autoMigrate: false`, a migration or repair is not ours to make. */
function refuseWithoutConsent(
  plan: MigrationPlan,
  location: string,
  options: ManagerOptions,
): void {
  if ((plan.action === 'migrate' || plan.action === 'repair') && options.autoMigrate === false) {
    throw new NeedsMigrationError(
      location,
      `it is ${plan.detection.kind}; the plan is ${plan.steps.map((s) => s.kind).join(' → ')}`,
    );
  }
}

/** Whether an interrupted migration or rollback left work for the next open. */
async function hasLeftovers(adapter: StorageAdapter, database: string): Promise<boolean> {
  return (
    (await adapter.exists(asideNameFor(database))) ||
    (await adapter.exists(restoringNameFor(database)))
  );
}

/** Open read-only (when it exists) and plan a database. */
async function inspect(
  adapter: StorageAdapter,
  database: string,
  options: Omit<ManagerOptions, 'autoMigrate'>,
): Promise<{ db: Database | null; plan: MigrationPlan; schema: ObservedSchema | null }> {
  const planOptions = {
    database,
    strategy: options.migration?.strategy,
    backfill: options.migration?.backfill,
    attach: !!adapter.attachTarget,
    existing: await adapter.list(),
    dialect: adapter.dialect,
  };
  if (!(await adapter.exists(database)))
    return { db: null, plan: planMigration(null, planOptions), schema: null };
  const look = async (readOnly: boolean) => {
    const db = await openDatabase(adapter, database, { readOnly });
    try {
      const schema = await observeSchema(db);
      // Reading a view that stands in for a table would run the file's own code.
      refuseStandIns(schema, adapter.describe(database));
      return { db, plan: planMigration(schema, planOptions), schema };
    } catch (error) {
      await db.close();
      throw error;
    }
  };
  try {
    return await look(true);
  } catch (error) {
    // A hot journal (a writer killed mid-transaction) cannot be rolled back by a
    // read-only connection. A caller that may write lets SQLite recover it: that
    // restores the last committed state, exactly what any writer would see.
    if (error instanceof ReadOnlyError && !options.readOnly) return look(false);
    throw error;
  }
}

/**
 * Throw for databases runmeta must not touch; for a newer schema opened
 * read-only, return why writes are refused.
 */
/**
 * Refuse a database runmeta must not touch (foreign, empty, or newer when
 * writing); for a newer one opened read-only, the reason writes are refused.
 * Shared by opening and importing.
 *
 * @internal
 */
export function unusable(
  detection: SchemaDetection,
  location: string,
  readOnly: boolean,
): string | null {
  const { kind, version } = detection;
  if (kind === 'foreign') throw new NotADatabaseError(location, foreignDetail(detection));
  if (kind === 'empty') {
    throw new NotADatabaseError(
      location,
      'exists but holds no tables (an empty file?); runmeta will not guess what it is',
      {
        hint: 'Delete it to start a new run database, or open the right path',
      },
    );
  }
  if (kind !== 'newer') return null;
  if (!readOnly) throw new NewerSchemaError(location, version!, CURRENT_SCHEMA_VERSION);
  return `schema_version ${version} is newer than this runmeta supports`;
}

/** Fields of a read run that are not stored (so a read run can be saved back). */
function stripReadOnly(run: RunMetadataInput): Record<string, unknown> {
  const {
    source: _source,
    readIssues: _issues,
    mechanismsUsed: _mechanisms,
    ...rest
  } = run as RunMetadataInput & {
    source?: unknown;
    readIssues?: ReadIssue[];
    mechanismsUsed?: unknown;
  };
  // A field whose stored value could not be decoded (bad JSON, unknown enum) is
  // left out: saving the run back must not replace the kept raw value with null.
  const index = fieldIndex(TABLES.runs);
  for (const issue of _issues ?? []) {
    const field = index.get(issue.column)?.[0];
    if (field) delete (rest as Record<string, unknown>)[field];
  }
  return rest;
}

/**
 * Finish a migration a killed process left half-done: if the database is missing
 * but a complete aside (its history row written) exists, move it into place; an
 * incomplete aside is discarded (the original was never touched).
 */
async function recoverInterruptedMigration(
  adapter: StorageAdapter,
  database: string,
): Promise<void> {
  // A rollback killed after moving the v2 database to its backup: the restoring
  // copy of the archive is complete (it was made before anything moved).
  const restoring = restoringNameFor(database);
  if (await adapter.exists(restoring)) {
    if (await adapter.exists(database)) await adapter.remove(restoring);
    else await adapter.move(restoring, database);
  }
  const aside = asideNameFor(database);
  if (!(await adapter.exists(aside))) return;
  if (await adapter.exists(database)) {
    await adapter.remove(aside);
    return;
  }
  let complete = false;
  const db = await openDatabase(adapter, aside, { readOnly: true });
  try {
    // A view under that name would run the file's own query: such an aside is not ours.
    const observed = await observeSchema(db).catch(() => null);
    if (observed && standIns(observed).length) throw new Error('not an aside runmeta built');
    const rows = await db.all(
      `SELECT count(*) AS n FROM ${quoteIdent(TABLES.history.name)} WHERE "kind" IN ('migrate', 'create')`,
    );
    complete = Number(rows[0]?.n ?? 0) > 0;
  } catch {
    complete = false;
  } finally {
    await db.close();
  }
  if (complete) await adapter.move(aside, database);
  else await adapter.remove(aside);
}

/** The error for a second run with an existing id. */
function duplicateRun(runId: string): ValidationError {
  return new ValidationError('runId', `a run with id "${runId}" already exists`);
}

/** Whether `error` is the engine refusing a duplicate `table.column` value. */
function isDuplicateKey(error: unknown, table: string, column: string): boolean {
  return error instanceof ValidationError && error.field === `${table}.${column}`;
}
