/**
 * What a migration did, verified: the checks run once an aside plan's database
 * is in place, and the one builder of {@link MigrationResult} every executor
 * returns through (in place, built aside, created).
 *
 * @packageDocumentation
 */
import { CURRENT_SCHEMA_VERSION, V1_SCHEMA_VERSION } from '../columns/registry.js';
import { MigrationError } from '../errors.js';
import { quoteIdent } from '../sql/quote.js';
import type { StorageAdapter } from '../storage/adapter.js';
import type { Executor } from '../storage/database.js';
import { openDatabase } from '../storage/open-database.js';
import { detectSchema } from './detect.js';
import { observeSchema } from './observe.js';
import type { MigrationPlan } from './plan.js';

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

/** What the executor learnt while running a plan, besides the plan itself. */
export interface MigrationFacts {
  /** What the integrity check said (`ok`). */
  integrity: string;
  /** `migrate`: where the v1 database now is, for people. */
  archivePath?: string;
  /** `migrate`: rows copied per table (carry-over). */
  rowsCarried?: Record<string, number>;
  /** `migrate`: runs left in the archive. */
  archivedRuns?: number;
  /** `migrate`: child tables whose legacy ids were kept aside, and the column keeping them. */
  legacyIds?: Record<string, string>;
}

/**
 * The result of running `plan`. A `migrate` plan reports what moved and was
 * carried; a `create` or `repair` plan only the columns it added.
 */
export function migrationResult(plan: MigrationPlan, facts: MigrationFacts): MigrationResult {
  if (plan.action !== 'migrate') {
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
      integrity: facts.integrity,
    };
  }
  const rowsCarried = facts.rowsCarried ?? {};
  const legacyIds = facts.legacyIds ?? {};
  return {
    action: 'migrate',
    strategy: plan.strategy,
    from: V1_SCHEMA_VERSION,
    to: CURRENT_SCHEMA_VERSION,
    archivePath: facts.archivePath ?? null,
    runsCarried: rowsCarried.runs ?? 0,
    rowsCarried,
    archivedRuns: facts.archivedRuns ?? null,
    addedColumns: migratedColumns(plan, legacyIds),
    ...(Object.keys(legacyIds).length ? { legacyIds } : {}),
    integrity: facts.integrity,
  };
}

/** Columns a migration added (`table.column`): the plan's, and those keeping legacy ids. */
export function migratedColumns(plan: MigrationPlan, legacyIds: Record<string, string>): string[] {
  return [
    ...plan.addedColumns.map((c) => `${c.table}.${c.column}`),
    ...Object.entries(legacyIds).map(([table, column]) => `${table}.${column}`),
  ];
}

/** Rows in `table`. */
export async function countRows(db: Executor, table: string): Promise<number> {
  const [row] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
  return Number(row?.n ?? 0);
}

/** What the source held before an aside plan ran, for the checks after it. */
export interface SourceCounts {
  /** Rows per source table, counted before the copy (carry-over: every table; archive: runs). */
  sourceCounts: Record<string, number>;
  /** Rows copied per table. */
  rowsCarried: Record<string, number>;
  /** Child tables whose legacy ids were kept aside, and the column keeping them. */
  legacyIds: Record<string, string>;
}

/**
 * Check an aside plan's outcome once it is in place: the new database opens,
 * passes the integrity check, reads as v2 and (carry-over) holds every source
 * row; the archive still reads as the v1 database it was. Throws a
 * {@link MigrationError} naming the first check that fails.
 */
export async function verifyMigration(
  adapter: StorageAdapter,
  plan: MigrationPlan,
  { sourceCounts, rowsCarried, legacyIds }: SourceCounts,
): Promise<MigrationResult> {
  const fail = (what: string) => {
    throw new MigrationError(`verification failed: ${what}`);
  };
  const main = await openDatabase(adapter, plan.database, { readOnly: true });
  let check: string;
  try {
    // The check's depth follows the rows in the database (every table, as the
    // dialect documents), not the runs alone: children outnumber runs 20 to 1.
    const rows = Object.values(sourceCounts).reduce((sum, n) => sum + n, 0);
    check = await main.dialect.integrityCheck(main, rows);
    if (check !== 'ok') fail(`the integrity check of ${plan.database} says "${check}"`);
    const after = detectSchema(await observeSchema(main));
    if (after.kind !== 'v2' || after.missingTables.length)
      fail(`${plan.database} has schema ${after.kind}`);
    for (const [table, expected] of Object.entries(
      plan.strategy === 'carry-over' ? sourceCounts : {},
    )) {
      const actual = await countRows(main, table);
      if (actual !== expected) fail(`${table} has ${actual} rows, expected ${expected}`);
    }
  } finally {
    await main.close();
  }
  if (plan.action === 'create') return migrationResult(plan, { integrity: check });
  // The archive is the original file under a new name (an atomic rename): it must
  // open and still be the v1 database it was; its rows were counted before the move.
  const archive = await openDatabase(adapter, plan.archiveName!, { readOnly: true });
  try {
    const kind = detectSchema(await observeSchema(archive)).kind;
    if (kind !== plan.detection.kind)
      fail(`the archive reads as ${kind}, expected ${plan.detection.kind}`);
  } finally {
    await archive.close();
  }
  return migrationResult(plan, {
    integrity: check,
    archivePath: adapter.describe(plan.archiveName!),
    rowsCarried,
    archivedRuns: sourceCounts.runs ?? 0,
    legacyIds,
  });
}
