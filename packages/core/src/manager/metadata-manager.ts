/**
 * The MetadataManager: the SDK's entry point. It owns every invariant — strict
 * validated writes, lenient lossless reads, migrate-once on open, close-once —
 * over any {@link StorageAdapter}. The class is the API; the work is done by the
 * modules of `manager/` it delegates to (opening in `open.ts`, writes in
 * `run-writes.ts`, `complete-run.ts` and `save-run.ts`, reads in `run-reads.ts`,
 * `run-iteration.ts` and `run-snapshot.ts`).
 */
import { TABLES } from '../columns/registry.js';
import type { RunMetadata } from '../columns/run-record.js';
import type { RunFinishedError, RunNotFoundError, ValidationError } from '../errors.js';
import type { SchemaDetection } from '../migrate/detect.js';
import type { MigrationResult } from '../migrate/execute.js';
import type { MigrationPlan } from '../migrate/plan.js';
import type {
  MechanismUsage,
  MechanismUsageInput,
  ResolutionAssignment,
  ResolutionAssignmentInput,
  ValidationRecord,
  ValidationRecordInput,
} from '../schema/records.js';
import type { CompleteRunInput, RunFilter, StartRunInput } from '../schema/run-metadata.js';
import type { SimulationSnapshot } from '../snapshot/snapshot.js';
import type { Row, SqlParams } from '../sql/values.js';
import type { StorageAdapter } from '../storage/adapter.js';
import { ArchiveLookup } from './archive-lookup.js';
import { carryOverArchive } from './carry-over-archive.js';
import type {
  CarryOverArchiveOptions,
  CarryOverArchiveResult,
} from './carry-over-archive-types.js';
import { completeRun } from './complete-run.js';
import type { ManagerContext } from './context.js';
import {
  type DumpInput,
  type ImportRunsOptions,
  type ImportRunsResult,
  importRuns,
} from './import-dump.js';
import type {
  ChildOptions,
  ManagerOptions,
  RecordBatch,
  RunMetadataInput,
  SnapshotOptions,
} from './inputs.js';
import { type OpenedDatabase, openRunDatabase, planOpen } from './open.js';
import { refuseWrites } from './open-refusals.js';
import { readOnlyQuery } from './read-query.js';
import { type ReadSource, readSources } from './read-sources.js';
import { type RollbackOptions, type RollbackResult, rollbackMigration } from './rollback.js';
import type { RunWithChildren } from './run-children.js';
import { iterateRuns } from './run-iteration.js';
import { childRecords, findStaleRuns, getAllRuns, getRun, runsColumns } from './run-reads.js';
import { getSnapshot } from './run-snapshot.js';
import { closeStaleRuns, recordBatch, startRun, updateSummary } from './run-writes.js';
import { type RunsView, runsView } from './runs-view.js';
import { saveRun } from './save-run.js';

export * from './inputs.js';

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
  /** The open database, its column cache and its archive, shared with the modules that do the work. */
  private readonly context: ManagerContext;
  /** Name of the database in its container. */
  readonly database: string;
  /** What opening did to the schema (null: nothing to do). */
  readonly migration: MigrationResult | null;
  private readonly readOnlyReason: string | null;
  /** What the database was found to be when it was opened. */
  readonly detection: SchemaDetection;

  private readonly adapter: StorageAdapter;

  private constructor(opened: OpenedDatabase) {
    const { adapter, db, database, columns } = opened;
    this.adapter = adapter;
    this.database = database;
    this.migration = opened.migration;
    this.readOnlyReason = opened.readOnlyReason;
    this.detection = opened.detection;
    const archive = new ArchiveLookup(adapter, database, db, columns);
    this.context = { adapter, database, db, columns, archive };
  }

  /**
   * Open a run database: detect its schema, then create, repair or migrate it as
   * the options say. An interrupted migration from an earlier process is finished
   * first.
   */
  static async open(given: ManagerOptions): Promise<MetadataManager> {
    return new MetadataManager(await openRunDatabase(given));
  }

  /**
   * Plan what opening would do, without writing anything (a dry run). The
   * database is opened read-only.
   */
  static async plan(
    given: Omit<ManagerOptions, 'readOnly' | 'autoMigrate'>,
  ): Promise<MigrationPlan> {
    return planOpen(given);
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

  /** Whether writes are refused, and why (null when writable). */
  get readOnly(): string | null {
    return this.readOnlyReason;
  }

  private assertWritable(): void {
    refuseWrites(this.readOnlyReason, this.detection, () => this.adapter.describe(this.database));
  }

  // ---------------------------------------------------------------- writes

  /**
   * Start a run (status `running`). Returns the stored run. A given `runId` that
   * already exists — in the active database or in its read-only v1 archive — is
   * refused with a {@link ValidationError}.
   */
  async startRun(input: StartRunInput): Promise<RunMetadata> {
    this.assertWritable();
    return startRun(this.context, input);
  }

  /**
   * Import a runmeta dump: JSON lines, one run each with its child records, as
   * `runmeta export --format jsonl --children` writes them (`JSON.stringify` of each
   * run `iterateRuns` yields with `withChildren`).
   * The runs are appended; columns they have and the database lacks are added.
   * `input` is called once per pass: the first pass checks every line, the second
   * writes them all in one transaction, so a bad line (an {@link ImportLineError}
   * naming it) or a run id the database holds already (unless `skipExisting`)
   * leaves the database as it was. With `dryRun`, only the checking pass runs.
   */
  async importRuns(input: DumpInput, options: ImportRunsOptions = {}): Promise<ImportRunsResult> {
    if (!options.dryRun) this.assertWritable();
    return importRuns(this.context, input, options);
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
    return recordBatch(this.context, runId, batch);
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
    return completeRun(this.context, runId, input);
  }

  /**
   * Store a run summary. `summary` is a deployed column, not part of a fresh v2
   * table: it is added on first use (additive, recorded in the history table).
   */
  async updateSummary(runId: string, summary: string): Promise<RunMetadata> {
    this.assertWritable();
    return updateSummary(this.context, runId, summary);
  }

  /**
   * Insert or replace a whole run (upsert on `runId`). Every field is validated;
   * `extra` may only name columns the table already has.
   */
  async saveMetadata(run: RunMetadataInput): Promise<RunMetadata> {
    this.assertWritable();
    return saveRun(this.context, run);
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
    return findStaleRuns(this.context, given);
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
    return closeStaleRuns(this.context, given);
  }

  // ----------------------------------------------------------------- reads

  /** One run by id. Throws {@link RunNotFoundError} (the archive is searched when asked). */
  async getRun(runId: string, given: ChildOptions = {}): Promise<RunMetadata> {
    return getRun(this.context, runId, given);
  }

  /**
   * All runs matching the filter, oldest first (the last element is the latest
   * run). With `includeArchive`, runs of the archive are merged in and each run
   * says its `source`. One query per database (plus one grouped query for
   * `withMechanisms`), never one per run.
   */
  async getAllRuns(filter: RunFilter = {}): Promise<RunMetadata[]> {
    return getAllRuns(this.context, filter);
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
   *
   * With `withChildren: true`, each run also carries its `mechanisms`,
   * `resolutions` and `validations` in recorded order (read with one query per
   * child table and page, from the database that holds the run): what a dump's
   * line holds: `JSON.stringify` of each run is one (`runmeta export --children`).
   */
  iterateRuns(
    filter: Omit<RunFilter, 'limit' | 'order'>,
    options: { pageSize?: number; withChildren: true },
  ): AsyncGenerator<RunWithChildren>;
  iterateRuns(
    filter?: Omit<RunFilter, 'limit' | 'order'>,
    options?: { pageSize?: number; withChildren?: boolean },
  ): AsyncGenerator<RunMetadata>;
  async *iterateRuns(
    filter: Omit<RunFilter, 'limit' | 'order'> = {},
    options: { pageSize?: number; withChildren?: boolean } = {},
  ): AsyncGenerator<RunMetadata> {
    yield* iterateRuns(this.context, filter, options);
  }

  /** Mechanism events of a run, in recorded order. */
  async getMechanisms(runId: string, options: ChildOptions = {}): Promise<MechanismUsage[]> {
    return childRecords<MechanismUsage>(this.context, TABLES.mechanismUsage, runId, options);
  }
  /** Resolution assignments of a run, in recorded order. */
  async getResolutions(runId: string, options: ChildOptions = {}): Promise<ResolutionAssignment[]> {
    const table = TABLES.resolutionAssignments;
    return childRecords<ResolutionAssignment>(this.context, table, runId, options);
  }
  /** Validations of a run, in recorded order. */
  async getValidations(runId: string, options: ChildOptions = {}): Promise<ValidationRecord[]> {
    const table = TABLES.validations;
    const rows = await childRecords<ValidationRecord>(this.context, table, runId, options);
    return rows.map((v) => ({ ...v, violations: Array.isArray(v.violations) ? v.violations : [] }));
  }

  /**
   * The snapshot of a run (identity, counts, mechanisms, v2 metrics); format it with `formatSnapshotForLlm`. For a
   * v1 run (archived, or carried over without backfill) the metrics its v1 data
   * allows are computed as backfill would (`metricsFromV1`) and listed in
   * `derivedFromV1`.
   */
  async getSnapshot(runId: string, given: SnapshotOptions = {}): Promise<SimulationSnapshot> {
    return getSnapshot(this.context, runId, given);
  }

  /**
   * Run a read-only SQL statement with parameters (an escape hatch for ad-hoc
   * reports). Writes are refused by the database itself (SQLite's `PRAGMA
   * query_only`, a read-only transaction on a server).
   */
  async query(sql: string, params: SqlParams = []): Promise<Row[]> {
    const location = () => this.adapter.describe(this.database);
    return readOnlyQuery(this.context.db, location, sql, params);
  }

  /**
   * Check the database's storage: SQLite's `PRAGMA integrity_check`, or on a
   * server a full read of every table. Resolves to `ok` or what is wrong.
   */
  async checkIntegrity(): Promise<string> {
    return this.context.db.exclusive((db) => db.dialect.integrityCheck(db, 0));
  }

  /**
   * The columns of the `runs` table as the database has them (SQL names, in
   * table order) — with `includeArchive`, the archive's own ones after them.
   * Exports use it to list every column a run has (`exportFields`).
   */
  async runsColumns(options: { includeArchive?: boolean } = {}): Promise<string[][]> {
    return runsColumns(this.context, options);
  }

  /**
   * The runs core's questions read (`queries/`): the active table, or with
   * `includeArchive` its union with the archive, as one SQL source.
   *
   * @internal
   */
  async runsView(options: { includeArchive?: boolean | undefined } = {}): Promise<RunsView> {
    return runsView(this.context, options);
  }

  /**
   * The databases core's questions over runs (`compareRuns`,
   * `mechanismCoverage`) read: the active one, then — with `includeArchive`,
   * when there is one — its v1 archive, each with the columns its tables have.
   *
   * @internal
   */
  async readSources(options: { includeArchive?: boolean } = {}): Promise<ReadSource[]> {
    return readSources(this.context, options);
  }

  /**
   * A token that changes whenever another connection (another process, a
   * writer elsewhere in this one) commits to the active database, so answers
   * computed from it can be kept while it stays the same. Compare tokens of
   * this manager only: each connection counts on its own, and its own writes
   * do not count. Null where the backend cannot tell cheaply (PostgreSQL), or
   * where this manager reads a copy that nobody else can change (a read-only
   * open of a small SQLite file without `live`, a memory database, sql.js):
   * keep nothing there.
   *
   * @example
   * ```ts
   * const before = await manager.dataVersion();
   * // … later: recompute only if someone wrote meanwhile
   * if (before === null || (await manager.dataVersion()) !== before) refresh();
   * ```
   */
  async dataVersion(): Promise<string | null> {
    const { db } = this.context;
    if (!db.dialect.dataVersionSql || db.isolated) return null;
    const [row] = await db.all(db.dialect.dataVersionSql);
    return row ? String(Object.values(row)[0]) : null;
  }

  /** Name of the archive database, if one exists. */
  async archiveName(): Promise<string | null> {
    return this.context.archive.name();
  }

  /** Close the database (and the archive, if it was read). Safe to call twice. */
  async close(): Promise<void> {
    await this.context.archive.close();
    await this.context.db.close();
  }
}
