/**
 * The aside executor, for plans that build a new database: `create` and
 * `migrate` (v1 → v2).
 *
 * The order is chosen so that at every instant the v1 data is complete at the
 * original name or at the archive name, and a crash leaves something the next
 * open can finish: the v2 database is built *aside* (from the untouched
 * original), the history row is written into it, and only then is the original
 * renamed to the archive and the aside renamed into place. Renames are atomic,
 * so a kill between them leaves either the original in place, or the archive
 * plus a complete aside. A failure is undone by `aside-undo.ts`.
 *
 * @packageDocumentation
 */
import { CHILD_TABLES, TABLES } from '../columns/registry.js';
import { DatabaseLockedError, MigrationError } from '../errors.js';
import { interruptionPoint } from '../interrupt.js';
import { ApplyOptionsSchema, MigrationPlanOption, parseOptions } from '../schema/options.js';
import { parseInput } from '../schema/validate.js';
import type { StorageAdapter } from '../storage/adapter.js';
import { StorageAdapterOption } from '../storage/adapter-option.js';
import type { Database, Executor } from '../storage/database.js';
import { openDatabase } from '../storage/open-database.js';
import { type AsideStage, failedMigration } from './aside-undo.js';
import { carryOver, type MigrationProgress } from './carry-over.js';
import { historyParams } from './history-row.js';
import { needNewIds } from './legacy-ids.js';
import { observeSchema } from './observe.js';
import type { MigrationPlan, StepKind } from './plan.js';
import {
  countRows,
  type MigrationResult,
  migratedColumns,
  type SourceCounts,
  verifyMigration,
} from './verify.js';

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
  let stage: AsideStage = 'building';
  const counts: SourceCounts = { sourceCounts: {}, rowsCarried: {}, legacyIds: {} };
  const { rowsCarried, legacyIds } = counts;
  // Checked between pages and steps, only while the original is untouched.
  const pause = interruptionPoint(options.signal);
  let asideOpened = false;

  try {
    await pause();
    if (!creating) {
      // 1. Checkpoint: fold any -wal content into the main file before it moves,
      //    and count what the verification must find afterwards.
      progress({ step: 'checkpoint' });
      await surveySource(adapter, plan, counts);
    }

    // 2. Build aside, from scratch (a leftover from a killed attempt is discarded).
    progress({ step: 'create-aside' });
    await adapter.remove(asideName);
    asideOpened = true;
    const aside = await openDatabase(adapter, asideName);
    let built = false;
    const createTables = async (tx: Executor) => {
      for (const sql of step('create-aside')!.sql) await tx.run(sql);
    };
    const createIndexes = async (tx: Executor) => {
      const indexes = step('create-indexes');
      if (!indexes) return;
      progress({ step: 'create-indexes' });
      for (const sql of indexes.sql) await tx.run(sql);
    };
    const recordHistory = async (tx: Executor) => {
      progress({ step: 'record-history' });
      await tx.run(
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
                addedColumns: migratedColumns(plan, legacyIds),
                ...(Object.keys(legacyIds).length ? { legacyIds } : {}),
                ...(plan.keptSourceTypes.length ? { keptSourceTypes: plan.keptSourceTypes } : {}),
                backfill: plan.backfill,
              },
        ),
      );
    };
    try {
      if (plan.strategy === 'carry-over') {
        await aside.transaction(createTables);
        await pause();
        await carryOver(adapter, aside, plan, { progress, pageSize, pause, ...counts });
        await aside.transaction(createIndexes);
        await pause();
        await aside.transaction(recordHistory);
      } else {
        // Nothing to copy: the whole file is one transaction, so one commit
        // (and one sync) instead of one per step.
        await aside.transaction(async (tx) => {
          await createTables(tx);
          await pause();
          await createIndexes(tx);
          await pause();
          await recordHistory(tx);
        });
      }
      built = true;
    } finally {
      // A failed or cancelled build is deleted next, and a file with no rows
      // yet has no statistics worth gathering: carried rows alone want them.
      await aside.close({ upkeep: built && plan.strategy === 'carry-over' });
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
    return await verifyMigration(adapter, plan, counts);
  } catch (error) {
    throw await failedMigration(adapter, plan, stage, error, asideOpened);
  }
}

/**
 * Step 1 of a migration, on the original: checkpoint it, count the rows the
 * verification must find afterwards, and find the child tables whose legacy ids
 * cannot stay ids. Fills `counts`.
 */
async function surveySource(
  adapter: StorageAdapter,
  plan: MigrationPlan,
  counts: SourceCounts,
): Promise<void> {
  const source = await openDatabase(adapter, plan.database);
  try {
    if (source.dialect.scanOnceSql) await source.run(source.dialect.scanOnceSql);
    await checkpoint(source);
    // Carry-over verifies every copied table; the archive strategy only renames
    // the file, so counting its runs once is the whole check (and keeps it fast).
    const tables = plan.strategy === 'carry-over' ? [TABLES.runs, ...CHILD_TABLES] : [TABLES.runs];
    const present = (await observeSchema(source)).tables;
    for (const table of tables) {
      if (table.name in present) {
        counts.sourceCounts[table.name] = await countRows(source, table.name);
      }
    }
    for (const copy of plan.copies) {
      if (copy.legacyIds && (await needNewIds(source, copy.table, copy.legacyIds.id))) {
        counts.legacyIds[copy.table] = copy.legacyIds.column;
      }
    }
  } finally {
    await source.close();
  }
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
