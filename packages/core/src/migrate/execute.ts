/**
 * Running a {@link MigrationPlan} against a {@link StorageAdapter}.
 *
 * The v1 → v2 order is chosen so that at every instant the v1 data is complete at
 * the original name or at the archive name, and a crash leaves something the next
 * open can finish: the v2 database is built *aside* (from the untouched original),
 * the history row is written into it, and only then is the original renamed to the
 * archive and the aside renamed into place. Renames are atomic, so a kill between
 * them leaves either the original in place, or the archive plus a complete aside.
 */

import {
  CHILD_TABLES,
  CURRENT_SCHEMA_VERSION,
  TABLES,
  V1_SCHEMA_VERSION,
} from '../columns/registry.js';
import { quoteIdent } from '../columns/sql.js';
import { classifySqliteError } from '../error-classification.js';
import { DatabaseLockedError, InterruptedError, MigrationError, RunmetaError } from '../errors.js';
import { interruptionPoint } from '../interrupt.js';
import {
  ApplyOptionsSchema,
  DatabaseNameOption,
  ExecutorOption,
  MigrationPlanOption,
  OpenOptionsSchema,
  parseOptions,
  StorageAdapterOption,
} from '../schema/options.js';
import { parseInput } from '../schema/validate.js';
import type { OpenOptions, SqlParams, StorageAdapter } from '../storage/adapter.js';
import { Database, type Executor } from '../storage/database.js';
import { SDK_VERSION } from '../version.js';
import { carryOver, type MigrationProgress } from './carry-over.js';
import { detectSchema } from './detect.js';
import { needNewIds } from './legacy-ids.js';
import { observeSchema } from './observe.js';
import type { MigrationPlan, StepKind } from './plan.js';

export type { MigrationProgress } from './carry-over.js';

/** Options for running a plan. */
export interface ApplyOptions {
  /** Called at each step, and after each page of the copy and of the backfill. */
  onProgress?: (progress: MigrationProgress) => void;
  /** Rows per carry-over and backfill page. Default 5000. */
  pageSize?: number;
  /**
   * Cancels the migration while the v2 database is still being built aside: it
   * stops at the next page or step, removes the aside and throws
   * {@link InterruptedError}, leaving the original untouched. Once the original
   * has moved to the archive (two renames before the end), the migration finishes.
   */
  signal?: AbortSignal;
}

/** What a migration did, verified. */
export interface MigrationResult {
  action: MigrationPlan['action'];
  strategy: MigrationPlan['strategy'];
  from: string | null;
  to: string;
  archivePath: string | null;
  /** Runs copied into the v2 database (carry-over). */
  runsCarried: number;
  /** Rows copied per table (carry-over). */
  rowsCarried: Record<string, number>;
  /** Runs left in the archive. */
  archivedRuns: number | null;
  /** Columns added (repair, or source columns kept by carry-over). */
  addedColumns: string[];
  /**
   * Carry-over: child tables whose legacy ids were not distinct integers, so
   * their rows got new ids; the column that keeps the old ones, per table.
   */
  legacyIds?: Record<string, string>;
  integrity: string;
}

/** Open a named database as a core {@link Database}, with typed open errors. */
export async function openDatabase(
  adapter: StorageAdapter,
  name: string,
  options: OpenOptions = {},
): Promise<Database> {
  parseInput(StorageAdapterOption, adapter, 'adapter');
  parseInput(DatabaseNameOption, name, 'name');
  parseOptions(OpenOptionsSchema, options);
  const location = adapter.describe(name);
  try {
    return new Database(await adapter.open(name, options), location, adapter.dialect);
  } catch (error) {
    throw classifySqliteError(error, location);
  }
}

async function count(db: Executor, table: string): Promise<number> {
  const [row] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
  return Number(row?.n ?? 0);
}

function historyParams(
  plan: MigrationPlan,
  kind: string,
  details: Record<string, unknown>,
): SqlParams {
  return [
    new Date().toISOString(),
    kind,
    plan.detection.version,
    CURRENT_SCHEMA_VERSION,
    plan.strategy,
    JSON.stringify(details),
    SDK_VERSION,
  ];
}

/**
 * Apply a `create` or `repair` plan to an open database, in one transaction:
 * either every statement and the history row land, or nothing does.
 */
export async function applyInPlace(db: Database, plan: MigrationPlan): Promise<MigrationResult> {
  parseInput(ExecutorOption, db, 'db');
  parseInput(MigrationPlanOption, plan, 'plan');
  if (plan.action !== 'create' && plan.action !== 'repair') {
    throw new MigrationError(`applyInPlace cannot run a ${plan.action} plan`);
  }
  let check = '';
  await db.transaction(async (tx) => {
    for (const step of plan.steps) {
      if (step.kind === 'verify') continue;
      if (step.kind === 'record-history') {
        const details = { addedColumns: plan.addedColumns.map((c) => c.column) };
        await tx.run(step.sql[0]!, historyParams(plan, plan.action, details));
        continue;
      }
      for (const sql of step.sql) await tx.run(sql);
    }
    // Verified before COMMIT: a repair that does not yield a sound v2 schema rolls back whole.
    check = await tx.dialect.integrityCheck(tx, 0);
    const after = detectSchema(await observeSchema(tx));
    if (check !== 'ok' || after.kind !== 'v2') {
      throw new MigrationError(
        `after ${plan.action}, integrity is "${check}" and the schema is ${after.kind}; nothing was changed`,
      );
    }
  });
  return {
    action: plan.action,
    strategy: null,
    from: plan.detection.version,
    to: CURRENT_SCHEMA_VERSION,
    archivePath: null,
    runsCarried: 0,
    rowsCarried: {},
    archivedRuns: null,
    addedColumns: plan.addedColumns.map((c) => c.column),
    integrity: check,
  };
}

/**
 * Run a plan that builds a database aside: `create` (a new v2 database) or
 * `migrate` (v1 → v2). The database named in the plan must not be open anywhere
 * in this process, and the caller should hold the adapter's migration lock. On
 * any failure the original is put back (or left) in place, byte-identical, and a
 * {@link MigrationError} is thrown.
 */
export async function applyMigration(
  adapter: StorageAdapter,
  plan: MigrationPlan,
  given: ApplyOptions = {},
): Promise<MigrationResult> {
  parseInput(StorageAdapterOption, adapter, 'adapter');
  parseInput(MigrationPlanOption, plan, 'plan');
  const options = parseOptions(ApplyOptionsSchema, given) as ApplyOptions;
  const creating = plan.action === 'create';
  if (
    (!creating && plan.action !== 'migrate') ||
    !plan.asideName ||
    (!creating && !plan.archiveName)
  ) {
    throw new MigrationError(`applyMigration cannot run a ${plan.action} plan`);
  }
  const { database, archiveName, asideName } = plan;
  const pageSize = options.pageSize ?? 5000;
  const progress = options.onProgress ?? (() => {});
  const step = (kind: StepKind) => plan.steps.find((s) => s.kind === kind);
  if (archiveName && (await adapter.exists(archiveName))) {
    throw new MigrationError(
      `${adapter.describe(archiveName)} appeared after planning; re-run to pick a new name`,
    );
  }
  let stage: 'building' | 'archived' | 'installed' = 'building';
  const rowsCarried: Record<string, number> = {};
  const sourceCounts: Record<string, number> = {};
  const legacyIds: Record<string, string> = {};
  // Checked between pages and steps, only while the original is untouched.
  const pause = interruptionPoint(options.signal);
  let asideOpened = false;

  try {
    await pause();
    if (!creating) {
      // 1. Checkpoint: fold any -wal content into the main file before it moves,
      //    and count what the verification must find afterwards.
      progress({ step: 'checkpoint' });
      const source = await openDatabase(adapter, database);
      try {
        await checkpoint(source);
        // Carry-over verifies every copied table; the archive strategy only renames
        // the file, so counting its runs once is the whole check (and keeps it fast).
        const tables =
          plan.strategy === 'carry-over' ? [TABLES.runs, ...CHILD_TABLES] : [TABLES.runs];
        const present = (await observeSchema(source)).tables;
        for (const table of tables) {
          if (table.name in present) {
            sourceCounts[table.name] = await count(source, table.name);
          }
        }
        for (const copy of plan.copies) {
          if (copy.legacyIds && (await needNewIds(source, copy.table, copy.legacyIds.id))) {
            legacyIds[copy.table] = copy.legacyIds.column;
          }
        }
      } finally {
        await source.close();
      }
    }

    // 2. Build aside, from scratch (a leftover from a killed attempt is discarded).
    progress({ step: 'create-aside' });
    await adapter.remove(asideName);
    asideOpened = true;
    const aside = await openDatabase(adapter, asideName);
    try {
      await aside.transaction(async (tx) => {
        for (const sql of step('create-aside')!.sql) await tx.run(sql);
      });
      await pause();
      if (plan.strategy === 'carry-over') {
        await carryOver(adapter, aside, plan, {
          progress,
          pageSize,
          pause,
          sourceCounts,
          rowsCarried,
          legacyIds,
        });
      }
      const indexes = step('create-indexes');
      if (indexes) {
        progress({ step: 'create-indexes' });
        await aside.transaction(async (tx) => {
          for (const sql of indexes.sql) await tx.run(sql);
        });
      }
      await pause();
      progress({ step: 'record-history' });
      await aside.run(
        step('record-history')!.sql[0]!,
        historyParams(
          plan,
          plan.action,
          creating
            ? {}
            : {
                archive: archiveName,
                kind: plan.detection.kind,
                runsCarried: rowsCarried.runs ?? 0,
                rowsCarried,
                addedColumns: addedColumns(plan, legacyIds),
                ...(Object.keys(legacyIds).length ? { legacyIds } : {}),
                ...(plan.keptSourceTypes.length ? { keptSourceTypes: plan.keptSourceTypes } : {}),
                backfill: plan.backfill,
              },
        ),
      );
    } finally {
      await aside.close();
    }

    // 3. Swap: original → archive, aside → original. Each rename is atomic.
    if (!creating) {
      progress({ step: 'archive-move' });
      await adapter.move(database, archiveName!);
      stage = 'archived';
    }
    progress({ step: 'install' });
    await adapter.move(asideName, database);
    stage = 'installed';

    // 4. Verify.
    progress({ step: 'verify' });
    return await verifyMigration(adapter, plan, sourceCounts, rowsCarried, legacyIds);
  } catch (error) {
    const leftover = await undo(adapter, plan, stage);
    if (error instanceof InterruptedError && stage === 'building') {
      throw await interrupted(adapter, plan, error, asideOpened);
    }
    if (leftover) {
      throw new MigrationError(`${describeCause(error)}; ${leftover}`, { cause: error });
    }
    if (error instanceof MigrationError) throw error;
    const detail = describeCause(error);
    throw new MigrationError(
      creating
        ? `${detail}; nothing was created`
        : `${detail}; ${adapter.describe(database)} was left as it was`,
      {
        cause: error,
        ...(error instanceof RunmetaError && error.code !== 'RUNMETA_STORAGE'
          ? { hint: error.hint, cliHint: error.cliHint }
          : {}),
      },
    );
  }
}

/** What went wrong in an error, without its hint (the wrapping error gives its own). */
function describeCause(error: unknown): string {
  if (error instanceof RunmetaError) return error.problem;
  return error instanceof Error ? error.message : String(error);
}

/** The interruption, saying exactly what is where after the undo. */
async function interrupted(
  adapter: StorageAdapter,
  plan: MigrationPlan,
  error: InterruptedError,
  asideOpened: boolean,
): Promise<InterruptedError> {
  const aside = adapter.describe(plan.asideName!);
  const parts = [
    'interrupted',
    plan.action === 'create'
      ? 'nothing was created'
      : `${adapter.describe(plan.database)} unchanged`,
  ];
  if (await adapter.exists(plan.asideName!)) {
    parts.push(`the partly built ${aside} is left over, and the next migration removes it`);
  } else if (asideOpened) {
    parts.push(`the partly built ${aside} was removed`);
  }
  return new InterruptedError(parts.join('; '), error.reason, { cause: error });
}

/**
 * `PRAGMA wal_checkpoint(TRUNCATE)` reports `busy = 1` when another connection
 * still reads an older snapshot: the WAL then keeps rows the main file lacks, and
 * moving the file would lose them. Refuse instead.
 */
async function checkpoint(db: Database): Promise<void> {
  if (!db.dialect.checkpointSql) return;
  const [result] = await db.all<{ busy: number; log: number; checkpointed: number }>(
    db.dialect.checkpointSql,
  );
  if (result && Number(result.busy) !== 0) {
    throw new DatabaseLockedError(
      db.location,
      'another process is reading it, so its write-ahead log cannot be checkpointed',
    );
  }
}

/**
 * Put the original back where it was after a failed migration. Each step is
 * tried on its own; if the original cannot be put back, the aside is kept and the
 * error says where every file is, so the user is never told a wrong location.
 */
async function undo(
  adapter: StorageAdapter,
  plan: MigrationPlan,
  stage: 'building' | 'archived' | 'installed',
): Promise<string | null> {
  const { database, archiveName, asideName } = plan;
  const problems: string[] = [];
  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
      return true;
    } catch (error) {
      problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  };
  let restored = stage === 'building';
  if (stage === 'installed') {
    const aside = await attempt(`moving ${database} back aside`, () =>
      adapter.move(database, asideName!),
    );
    // A created database had no original: moving it aside is all the restoring.
    if (!archiveName) restored = aside;
  }
  if (stage !== 'building' && archiveName) {
    restored = await attempt(`restoring ${archiveName} to ${database}`, () =>
      adapter.move(archiveName, database),
    );
  }
  if (restored) await attempt(`removing ${asideName}`, () => adapter.remove(asideName!));
  if (problems.length === 0) return null;
  return restored || !archiveName
    ? `cleanup was incomplete (${problems.join('; ')})`
    : `the v1 data is intact at ${adapter.describe(archiveName!)} and the new database at ${adapter.describe(asideName!)} (${problems.join('; ')})`;
}

async function verifyMigration(
  adapter: StorageAdapter,
  plan: MigrationPlan,
  sourceCounts: Record<string, number>,
  rowsCarried: Record<string, number>,
  legacyIds: Record<string, string>,
): Promise<MigrationResult> {
  const fail = (what: string) => {
    throw new MigrationError(`verification failed: ${what}`);
  };
  const main = await openDatabase(adapter, plan.database, { readOnly: true });
  let check: string;
  try {
    check = await main.dialect.integrityCheck(main, sourceCounts.runs ?? 0);
    if (check !== 'ok') fail(`the integrity check of ${plan.database} says "${check}"`);
    const after = detectSchema(await observeSchema(main));
    if (after.kind !== 'v2' || after.missingTables.length)
      fail(`${plan.database} has schema ${after.kind}`);
    for (const [table, expected] of Object.entries(
      plan.strategy === 'carry-over' ? sourceCounts : {},
    )) {
      const actual = await count(main, table);
      if (actual !== expected) fail(`${table} has ${actual} rows, expected ${expected}`);
    }
  } finally {
    await main.close();
  }
  if (plan.action === 'create') {
    return {
      action: 'create',
      strategy: null,
      from: null,
      to: CURRENT_SCHEMA_VERSION,
      archivePath: null,
      runsCarried: 0,
      rowsCarried: {},
      archivedRuns: null,
      addedColumns: [],
      integrity: check,
    };
  }
  // The archive is the original file under a new name (an atomic rename): it must
  // open and still be the v1 database it was; its rows were counted before the move.
  const archive = await openDatabase(adapter, plan.archiveName!, { readOnly: true });
  const archivedRuns = sourceCounts.runs ?? 0;
  try {
    const kind = detectSchema(await observeSchema(archive)).kind;
    if (kind !== plan.detection.kind)
      fail(`the archive reads as ${kind}, expected ${plan.detection.kind}`);
  } finally {
    await archive.close();
  }
  return {
    action: 'migrate',
    strategy: plan.strategy,
    from: V1_SCHEMA_VERSION,
    to: CURRENT_SCHEMA_VERSION,
    archivePath: adapter.describe(plan.archiveName!),
    runsCarried: rowsCarried.runs ?? 0,
    rowsCarried,
    archivedRuns,
    addedColumns: addedColumns(plan, legacyIds),
    ...(Object.keys(legacyIds).length ? { legacyIds } : {}),
    integrity: check,
  };
}

/** Columns a migration added (`table.column`): the plan's, and those keeping legacy ids. */
function addedColumns(plan: MigrationPlan, legacyIds: Record<string, string>): string[] {
  return [
    ...plan.addedColumns.map((c) => `${c.table}.${c.column}`),
    ...Object.entries(legacyIds).map(([table, column]) => `${table}.${column}`),
  ];
}
