/**
 * Carrying a v1 archive over later: after a migration with the archive strategy,
 * copy every archived run and its child rows into the active v2 database, as the
 * carry-over strategy would have done (schema_version '1.0', v2 fields null,
 * source columns v2 lacks added, optional backfill).
 *
 * Rules, in order of importance:
 * - The archive is only read (byte-identical afterwards: rollback still needs it).
 * - A run already in the active database is skipped with its child rows: the
 *   active copy wins and is never overwritten.
 * - Everything lands in one transaction on the active database, under the
 *   migration lock, verified (row counts, integrity) before COMMIT, and recorded
 *   in `runmeta_migrations` (kind `carry-over-archive`).
 * - Memory stays flat: rows move page by page, and which runs the active database
 *   already holds is asked with one `IN (...)` query per page.
 *
 * Child row ids: a child table's carried rows keep their archived ids when none of
 * them collides with an id already in the active table; otherwise every carried
 * row of that table gets a new id, assigned in archive order, so each run's rows
 * keep their recorded order (ids break timestamp ties in the fidelity distribution).
 * Child rows whose run is not in the archive (orphans) are left there and counted.
 */
import { CHILD_TABLES, CURRENT_SCHEMA_VERSION, TABLES } from '../columns/registry.js';
import { insertSql, updateSql } from '../columns/sql.js';
import {
  InterruptedError,
  MigrationError,
  NeedsMigrationError,
  NewerSchemaError,
  NotADatabaseError,
} from '../errors.js';
import { interruptionPoint } from '../interrupt.js';
import { explainMissingValues } from '../migrate/carry-over-refusals.js';
import { detectSchema } from '../migrate/detect.js';
import { refuseForeignCode, refuseStandIns } from '../migrate/foreign-code.js';
import { observeSchema } from '../migrate/observe.js';
import { HISTORY_INSERT_COLUMNS } from '../migrate/plan.js';
import { BACKFILLED_COLUMNS, backfillParams } from '../migrate/upgrade-v1-run.js';
import { parseOptions } from '../schema/options.js';
import type { Database, Executor } from '../storage/database.js';
import { openDatabase } from '../storage/open-database.js';
import { SDK_VERSION } from '../version.js';
import { refuseWritingArchive } from './archive-guard.js';
import { archiveOf } from './archive-lookup.js';
import { openArchiveDatabase } from './archive-open.js';
import {
  count,
  pages,
  split,
  surveyTable,
  type TablePlan,
  type Work,
} from './carry-over-archive-survey.js';
import type {
  CarryOverArchiveOptions,
  CarryOverArchiveResult,
} from './carry-over-archive-types.js';
import { CarryOverArchiveOptionsSchema } from './options.js';

/**
 * Copy the runs of a database's v1 archive (and their child rows) into the active
 * v2 database, skipping runs it already holds. See the module notes for the rules.
 * A failure leaves both databases as they were.
 */
export async function carryOverArchive(
  given: CarryOverArchiveOptions,
): Promise<CarryOverArchiveResult> {
  // Checked before anything is opened: a typo such as { dryrun: true } must not carry.
  const options = parseOptions(CarryOverArchiveOptionsSchema, given) as CarryOverArchiveOptions;
  const { adapter } = options;
  const database = options.database ?? 'runs.db';
  const location = adapter.describe(database);
  const dryRun = !!options.dryRun;
  const work: Work = {
    pageSize: options.pageSize ?? 1000,
    pause: interruptionPoint(options.signal),
    progress: options.onProgress ?? (() => {}),
  };
  refuseWritingArchive(adapter, database);
  if (!(await adapter.exists(database))) throw new NotADatabaseError(location, 'does not exist');
  let archivePath: string | null = null;
  const release = dryRun
    ? null
    : await adapter.lock?.(database, {
        timeoutMs: options.lockTimeoutMs ?? 60_000,
        signal: options.signal,
      });
  try {
    const archiveName = await archiveOf(adapter, database);
    const active = await openDatabase(adapter, database, { readOnly: dryRun });
    try {
      const schema = await observeSchema(active);
      // Carried rows are written into it: no code of its own may run on them.
      (dryRun ? refuseStandIns : refuseForeignCode)(schema, location);
      refuseUnlessV2(detectSchema(schema), location);
      const result: CarryOverArchiveResult = {
        dryRun,
        databasePath: location,
        archivePath: archiveName ? adapter.describe(archiveName) : null,
        archiveRuns: 0,
        runsCarried: 0,
        runsSkipped: 0,
        rowsCarried: {},
        childIds: {},
        legacyIds: {},
        orphanRows: {},
        addedColumns: [],
        backfill: !!options.backfill,
        integrity: null,
        sql: [],
      };
      if (!archiveName) return result;
      archivePath = result.archivePath;
      const { db: archive, schema: archived } = await openArchiveDatabase(
        adapter,
        archiveName,
        database,
      );
      try {
        const kind = detectSchema(archived).kind;
        if (!['v1-documented', 'v1-deployed-18', 'v1-deployed-20', 'v1-variant'].includes(kind)) {
          throw new NotADatabaseError(
            archivePath!,
            `is not a v1 archive (it reads as ${kind}); nothing was carried`,
            {
              hint: `It is not the v1 file a migration archived: restore ${archivePath} from a backup, or move it away`,
            },
          );
        }
        const tables = [TABLES.runs, ...CHILD_TABLES].filter((t) => archived.tables[t.name]);
        const survey = async (db: Executor) => {
          const plans: TablePlan[] = [];
          for (const table of tables)
            plans.push(await surveyTable(db, archive, table, archived, schema, work));
          return plans;
        };
        const describe = (plans: TablePlan[]) => {
          const runs = plans[0]!;
          Object.assign(result, {
            archiveRuns: runs.rows + runs.skipped,
            runsCarried: runs.rows,
            runsSkipped: runs.skipped,
            rowsCarried: Object.fromEntries(plans.map((p) => [p.table.name, p.rows])),
            childIds: Object.fromEntries(
              plans.slice(1).map((p) => [p.table.name, p.collides ? 'renumbered' : 'kept']),
            ),
            legacyIds: Object.fromEntries(
              plans.flatMap((p) => (p.legacyId ? [[p.table.name, p.legacyId]] : [])),
            ),
            orphanRows: Object.fromEntries(plans.slice(1).map((p) => [p.table.name, p.orphans])),
            addedColumns: plans.flatMap((p) => p.added.map((a) => `${p.table.name}.${a.column}`)),
            sql: [
              ...plans.flatMap((p) => p.added.map((a) => a.sql)),
              ...plans.flatMap((p) => [p.select, insertFor(p)]),
              ...(options.backfill ? [backfillSql()] : []),
            ],
          });
        };
        if (dryRun) {
          describe(await survey(active));
          return result;
        }
        // Legacy files never enforced foreign keys, and child rows are copied before
        // their runs (so "runs the active database already holds" stays the state
        // before the copy): checks are off on this connection, which closes after.
        await active.dialect.beforeBulkCopy?.(active);
        await active.transaction(async (tx) => {
          const plans = await survey(tx);
          describe(plans);
          if (result.runsCarried === 0) return;
          const before: Record<string, number> = {};
          for (const plan of plans) before[plan.table.name] = await count(tx, plan.table.name);
          for (const plan of plans) for (const added of plan.added) await tx.run(added.sql);
          // Children first, runs last: see the note on foreign keys above.
          for (const plan of [...plans.slice(1), plans[0]!]) {
            const copied = await explainMissingValues(
              () => copyRows(tx, archive, plan, work, !!options.backfill),
              plan.table.name,
              archive,
              { database: location, archive: archivePath! },
            );
            if (copied !== plan.rows) {
              throw new MigrationError(
                `${plan.table.name}: ${plan.rows} rows to carry, ${copied} copied; nothing was changed`,
              );
            }
          }
          await work.pause();
          work.progress({ step: 'verify' });
          let rows = 0;
          for (const plan of plans) {
            const after = await count(tx, plan.table.name);
            rows += after;
            if (after !== before[plan.table.name]! + plan.rows) {
              throw new MigrationError(
                `verification failed: ${plan.table.name} has ${after} rows, expected ${before[plan.table.name]! + plan.rows}; nothing was changed`,
              );
            }
          }
          result.integrity = await tx.dialect.integrityCheck(tx, rows);
          if (result.integrity !== 'ok') {
            throw new MigrationError(
              `the integrity check says "${result.integrity}" after the copy; nothing was changed`,
            );
          }
          await tx.run(insertSql(TABLES.history.name, HISTORY_INSERT_COLUMNS), [
            new Date().toISOString(),
            'carry-over-archive',
            CURRENT_SCHEMA_VERSION,
            CURRENT_SCHEMA_VERSION,
            'carry-over',
            JSON.stringify({
              archive: archiveName,
              runsCarried: result.runsCarried,
              runsSkipped: result.runsSkipped,
              rowsCarried: result.rowsCarried,
              childIds: result.childIds,
              orphanRows: result.orphanRows,
              addedColumns: result.addedColumns,
              ...(Object.keys(result.legacyIds).length ? { legacyIds: result.legacyIds } : {}),
              backfill: result.backfill,
            }),
            SDK_VERSION,
          ]);
        });
        return result;
      } finally {
        await archive.close();
      }
    } finally {
      await active.close();
    }
  } catch (error) {
    if (!(error instanceof InterruptedError)) throw error;
    // The transaction rolled back and both databases are closed by now.
    throw new InterruptedError(
      `interrupted; ${location} unchanged (nothing was carried over)${archivePath ? `, and the archive ${archivePath} is unchanged too` : ''}`,
      error.reason,
      { cause: error },
    );
  } finally {
    await release?.();
  }
}

/** Only a v2 database (possibly lacking some columns) takes an archive in. */
function refuseUnlessV2(detection: ReturnType<typeof detectSchema>, location: string): void {
  const { kind, version } = detection;
  if (kind === 'newer') throw new NewerSchemaError(location, version!, CURRENT_SCHEMA_VERSION);
  if (kind === 'foreign' || kind === 'empty')
    throw new NotADatabaseError(location, 'is not a run database');
  if (kind !== 'v2' && kind !== 'v2-missing-columns') {
    throw new NeedsMigrationError(
      location,
      'it is schema v1, so its runs are not archived yet; nothing was carried',
      {
        hint: "Migrate it with the carry-over strategy, which copies its runs into v2 directly: MetadataManager.open({ adapter, migration: { strategy: 'carry-over' } })",
        cliHint:
          'Migrate it with the carry-over strategy, which copies its runs into v2 directly: `runmeta migrate --strategy carry-over --yes`',
      },
    );
  }
  if (detection.missingTables.length) {
    throw new NeedsMigrationError(
      location,
      `it lacks the table(s) ${detection.missingTables.join(', ')}; nothing was carried`,
      {
        hint: 'Open it once with MetadataManager.open() (autoMigrate) to repair it, then retry',
        cliHint: 'Repair it with `runmeta migrate --yes`, then retry',
      },
    );
  }
}

function insertFor(plan: TablePlan): string {
  const targets = plan.columns.map((c) => (c === 'id' && plan.legacyId ? plan.legacyId : c));
  return insertSql(plan.table.name, [...targets, ...Object.keys(plan.constants)]);
}

/** Copy a table's carried rows page by page; runs are backfilled page by page when asked. */
async function copyRows(
  tx: Executor,
  archive: Database,
  plan: TablePlan,
  work: Work,
  backfill: boolean,
): Promise<number> {
  const insert = insertFor(plan);
  const constants = Object.values(plan.constants);
  let copied = 0;
  for await (const page of pages(archive, plan, work.pageSize)) {
    await work.pause();
    const { carry } = await split(tx, archive, plan.table, page);
    if (carry.length === 0) continue;
    await tx.runMany(
      insert,
      carry.map((row) => [...plan.columns.map((c) => row[c] ?? null), ...constants]),
    );
    copied += carry.length;
    if (backfill && plan.table === TABLES.runs)
      await backfillRuns(
        tx,
        carry.map((row) => String(row.run_id)),
      );
    work.progress({ step: 'carry-over', table: plan.table.name, done: copied, total: plan.rows });
  }
  // Ids copied as they are: generated ids must continue after them.
  if (!plan.collides && plan.table !== TABLES.runs)
    await tx.dialect.afterCopy?.(tx, plan.table.name);
  return copied;
}

function backfillSql(): string {
  return updateSql('runs', [...BACKFILLED_COLUMNS], 'run_id');
}

/**
 * The v2 metrics v1 data allows, for one page of carried runs (their assignments
 * were carried before them): `backfillParams`.
 */
async function backfillRuns(tx: Executor, runIds: string[]): Promise<void> {
  const marks = runIds.map(() => '?').join(', ');
  const runs = await tx.all(
    `SELECT "run_id", "entities_created", "timepoints_created", "tokens_used" FROM "runs" WHERE "run_id" IN (${marks})`,
    runIds,
  );
  const assignments = await tx.all(
    `SELECT "id", "run_id", "entity_id", "resolution", "timestamp" FROM "resolution_assignments" WHERE "run_id" IN (${marks})`,
    runIds,
  );
  const updates = backfillParams(runs, assignments);
  if (updates.length) await tx.runMany(backfillSql(), updates);
}
