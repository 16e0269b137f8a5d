/**
 * Opening a run database: detect → lock → recover → plan → apply. The first look
 * is always read-only, and refusals are decided from it, so a database that is
 * refused (newer, foreign, `autoMigrate: false`) is never opened for writing.
 * Only when there is schema work is the adapter's lock taken, the leftovers of
 * an interrupted migration recovered, and the database planned again — another
 * process may have done the work while we waited — before the plan is applied.
 *
 * @packageDocumentation
 */
import { classifySqliteError } from '../error-classification.js';
import { NotADatabaseError, ReadOnlyError } from '../errors.js';
import type { SchemaDetection } from '../migrate/detect.js';
import { applyInPlace, applyMigration, type MigrationResult } from '../migrate/execute.js';
import { refuseStandIns } from '../migrate/foreign-code.js';
import { observeSchema } from '../migrate/observe.js';
import { type MigrationPlan, planMigration } from '../migrate/plan.js';
import { parseOptions } from '../schema/options.js';
import type { ObservedSchema } from '../sql/observed-schema.js';
import type { StorageAdapter } from '../storage/adapter.js';
import type { Database } from '../storage/database.js';
import { openDatabase } from '../storage/open-database.js';
import { refuseWritingArchive } from './archive-guard.js';
import { ColumnCache } from './column-cache.js';
import type { ManagerOptions } from './inputs.js';
import { missingDatabaseError } from './missing-database.js';
import { refuseWithoutConsent, refuseWritingInPlace, unusable } from './open-refusals.js';
import { ManagerOpenOptions, ManagerPlanOptions } from './options.js';
import { hasLeftovers, recoverInterruptedMigration } from './recover-interrupted.js';

/** A database opened for a manager, and what opening found and did. */
export interface OpenedDatabase {
  adapter: StorageAdapter;
  db: Database;
  /** Name of the database in its container. */
  database: string;
  /** What opening did to the schema (null: nothing to do). */
  migration: MigrationResult | null;
  /** Why writes are refused (null when writable). */
  readOnlyReason: string | null;
  /** What the database was found to be when it was opened. */
  detection: SchemaDetection;
  /** The columns its tables have, as opened. */
  columns: ColumnCache;
}

/**
 * Open a run database for a manager: detect its schema, then create, repair or
 * migrate it as the options say. An interrupted migration from an earlier
 * process is finished first.
 */
export async function openRunDatabase(given: ManagerOptions): Promise<OpenedDatabase> {
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
    const columns = new ColumnCache();
    // The first look already observed an unchanged schema; observe only after work.
    await columns.refresh(db, schema ?? undefined);
    return { adapter, db, database, migration, readOnlyReason, detection: plan.detection, columns };
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
export async function planOpen(
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
    // Opening for writing closes this look at once and opens again: brief.
    const db = await openDatabase(adapter, database, {
      readOnly,
      brief: readOnly && !options.readOnly,
      live: !!options.readOnly && !!options.live,
    });
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
