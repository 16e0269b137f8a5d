/**
 * Carry-over and backfill, run inside the aside database's one transaction. Both
 * go page by page — keyset on the source's rowid for the copy, on `run_id` for
 * the backfill (`storage/keyset-pages.ts`) — so progress is real (one event per page) and a cancelled
 * migration stops between two pages.
 */

import { V1_SCHEMA_VERSION } from '../columns/registry.js';
import { quoteIdent } from '../sql/quote.js';
import type { Row } from '../sql/values.js';
import type { StorageAdapter } from '../storage/adapter.js';
import type { Database, Executor } from '../storage/database.js';
import { copyKeysetPages, keyOf, keysetPages } from '../storage/keyset-pages.js';
import { openDatabase } from '../storage/open-database.js';
import { duplicateRunIds, explainDuplicateRuns } from './carry-over-refusals.js';
import { ATTACHED_SOURCE, type BackfillSql } from './carry-over-sql.js';
import type { MigrationPlan, StepKind } from './plan.js';
import { backfillParams } from './upgrade-v1-run.js';

/** Progress of a running migration, for progress bars. */
export interface MigrationProgress {
  step: StepKind;
  /** The table being copied (`carry-over`). */
  table?: string;
  /** Rows copied (`carry-over`) or runs backfilled (`backfill`) so far; rises page by page. */
  done?: number;
  /** What `done` ends at. */
  total?: number;
}

/** What the copy needs besides the plan. */
export interface CarryOverContext {
  progress: (p: MigrationProgress) => void;
  /** Rows per page (copy and backfill). */
  pageSize: number;
  /** Called between pages: throws {@link InterruptedError} when the work was cancelled. */
  pause: () => Promise<void>;
  /** Rows of each source table, counted before the copy (the `total` of its progress). */
  sourceCounts: Record<string, number>;
  /** Filled with the rows copied per table. */
  rowsCarried: Record<string, number>;
  /**
   * Child tables whose legacy ids were found not to be distinct integers (see
   * `legacy-ids.ts`): copied with new ids, the old ones kept in the named column.
   */
  legacyIds: Record<string, string>;
}

/** The copy to run for a table: its legacy ids kept aside when they cannot stay ids. */
async function chosen(
  tx: Executor,
  copy: MigrationPlan['copies'][number],
  context: CarryOverContext,
): Promise<MigrationPlan['copies'][number]> {
  const legacy = copy.legacyIds;
  if (!legacy || !(copy.table in context.legacyIds)) return copy;
  await tx.run(legacy.addColumn);
  return legacy.copy;
}

/** Copy every run and child row into the aside database, in one transaction. */
export async function carryOver(
  adapter: StorageAdapter,
  aside: Database,
  plan: MigrationPlan,
  context: CarryOverContext,
): Promise<void> {
  // Legacy files never enforced foreign keys: an orphan child row must be carried
  // over like any other (nothing is dropped), not abort the migration.
  await aside.dialect.beforeBulkCopy?.(aside);
  if (adapter.attachTarget) {
    // ATTACH is not allowed inside a transaction: attach, copy in one transaction, detach.
    await aside.run(`ATTACH DATABASE ? AS ${quoteIdent(ATTACHED_SOURCE)}`, [
      adapter.attachTarget(plan.database),
    ]);
    try {
      await aside.transaction(async (tx) => {
        for (const copy of plan.copies) {
          context.rowsCarried[copy.table] = await explainDuplicateRuns(
            () => chosen(tx, copy, context).then((c) => copyAttached(tx, c, context)),
            copy,
            () => duplicateRunIds(tx, `${quoteIdent(ATTACHED_SOURCE)}.${quoteIdent('runs')}`),
            { source: adapter.describe(plan.database) },
          );
        }
        if (plan.backfillSql) await backfill(tx, plan.backfillSql, context);
      });
    } finally {
      await aside.run(`DETACH DATABASE ${quoteIdent(ATTACHED_SOURCE)}`);
    }
    return;
  }
  const source = await openDatabase(adapter, plan.database, { readOnly: true });
  try {
    await aside.transaction(async (tx) => {
      for (const copy of plan.copies) {
        context.rowsCarried[copy.table] = await explainDuplicateRuns(
          () => chosen(tx, copy, context).then((c) => copyTable(source, tx, c, context)),
          copy,
          () => duplicateRunIds(source, quoteIdent('runs')),
          { source: adapter.describe(plan.database) },
        );
        // Child rows keep their ids: generated ids must continue after them.
        await tx.dialect.afterCopy?.(tx, copy.table);
      }
      if (plan.backfillSql) await backfill(tx, plan.backfillSql, context);
    });
  } finally {
    await source.close();
  }
}

/**
 * One table from the attached source, inside SQLite, one INSERT … SELECT per
 * rowid range. The ranges split the source's rowid span into as many equal parts
 * as there are pages of rows, so however the rowids are spread there are never
 * more than that many statements, and each range is found with one seek.
 */
async function copyAttached(
  tx: Executor,
  copy: MigrationPlan['copies'][number],
  context: CarryOverContext,
): Promise<number> {
  const total = context.sourceCounts[copy.table] ?? 0;
  const constants = Object.values(copy.constants);
  let copied = 0;
  context.progress({ step: 'carry-over', table: copy.table, done: 0, total });
  if (copy.attachedRange === null) {
    // No rowid to split into ranges: one statement, still inside SQLite.
    copied = (await tx.run(copy.attachedPage, constants)).changes;
    context.progress({ step: 'carry-over', table: copy.table, done: copied, total });
    await context.pause();
    return copied;
  }
  const [range]: Row[] = await tx.all(copy.attachedRange);
  if (range?.first === null || range?.first === undefined || range.last === null) return 0;
  const first = BigInt(String(range.first));
  const last = BigInt(String(range.last));
  const rows = BigInt(Math.max(total, 1));
  const span = last - first + 1n;
  const width = (span * BigInt(context.pageSize) + rows - 1n) / rows;
  for (let start = first; start <= last; start += width) {
    const end = start + width - 1n < last ? start + width - 1n : last;
    const { changes } = await tx.run(copy.attachedPage, [...constants, start, end]);
    copied += changes;
    // A range in a gap of the rowids copies nothing: no news for a progress bar.
    if (changes > 0)
      context.progress({ step: 'carry-over', table: copy.table, done: copied, total });
    await context.pause();
  }
  return copied;
}

/** One table through JavaScript, for backends that cannot attach the source. */
async function copyTable(
  reader: Database,
  tx: Executor,
  copy: MigrationPlan['copies'][number],
  context: CarryOverContext,
): Promise<number> {
  const total = context.sourceCounts[copy.table] ?? 0;
  const constants = Object.values(copy.constants);
  context.progress({ step: 'carry-over', table: copy.table, done: 0, total });
  return copyKeysetPages({
    source: {
      read: (after) =>
        after === null
          ? reader.all(copy.firstSelect, [context.pageSize])
          : reader.all(copy.select, [...after, context.pageSize]),
      keyOf: (row) => keyOf(copy.order, row),
      pageSize: context.pageSize,
    },
    target: tx,
    insert: copy.insert,
    params: (row) => [...copy.columns.map((c) => row[c] ?? null), ...constants],
    onPage: (copied) =>
      context.progress({ step: 'carry-over', table: copy.table, done: copied, total }),
    pause: context.pause,
  });
}

/**
 * Compute the v2 metrics v1 data allows (`backfillParams`), one page of runs (and
 * their assignments) at a time.
 */
async function backfill(tx: Executor, sql: BackfillSql, context: CarryOverContext): Promise<void> {
  for (const statement of sql.indexes) await tx.run(statement);
  const [counted] = await tx.all(sql.count, [V1_SCHEMA_VERSION]);
  const total = Number(counted?.n ?? 0);
  let done = 0;
  context.progress({ step: 'backfill', done, total });
  const pages = keysetPages({
    read: (after) =>
      after === null
        ? tx.all(sql.firstPage, [V1_SCHEMA_VERSION, context.pageSize])
        : tx.all(sql.nextPage, [V1_SCHEMA_VERSION, ...after, context.pageSize]),
    keyOf: (run) => [run.run_id ?? null],
    pageSize: context.pageSize,
  });
  for await (const runs of pages) {
    const assignments = await tx.all(sql.assignments, [
      runs[0]!.run_id ?? null,
      runs.at(-1)!.run_id ?? null,
    ]);
    const updates = backfillParams(runs, assignments);
    await tx.runMany(sql.update, updates);
    done += runs.length;
    context.progress({ step: 'backfill', done, total });
    await context.pause();
  }
}
