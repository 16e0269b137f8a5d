/**
 * The survey of `carryOverArchive`: reading an archived table page by page (in
 * insertion order, or key order for a table without rowid), deciding what of it
 * to carry — rows of runs the active database lacks — and how: its columns, the
 * columns to add, and whether its ids can stay (see `carry-over-archive.ts`).
 *
 * @packageDocumentation
 */
import { TABLES, type TableDef, V1_SCHEMA_VERSION } from '../columns/registry.js';
import { addColumnSql } from '../columns/sql.js';
import { duplicateRunIds, duplicateRunsError } from '../migrate/carry-over-refusals.js';
import { legacyIdColumn, needNewIds } from '../migrate/legacy-ids.js';
import { definitionFor } from '../migrate/plan.js';
import type { ObservedSchema } from '../sql/observed-schema.js';
import { quoteIdent } from '../sql/quote.js';
import type { Row, SqlValue } from '../sql/values.js';
import { plainTypeName } from '../storage/copy-dialect.js';
import type { Database, Executor } from '../storage/database.js';
import {
  keyOf,
  keysetPages,
  keysetSelects,
  type RowOrder,
  rowOrderOf,
} from '../storage/keyset-pages.js';
import type { CarryOverArchiveProgress } from './carry-over-archive-types.js';
import { presentRunIds } from './run-pages.js';

/** How one table is carried, as surveyed in the archive and the active database. */
export interface TablePlan {
  table: TableDef;
  /** Archive columns copied (without the constants, and without `id` when renumbering). */
  columns: string[];
  constants: Record<string, SqlValue>;
  added: { column: string; sql: string }[];
  /** Rows to carry. */
  rows: number;
  /** Archived rows of runs the active database already holds. */
  skipped: number;
  orphans: number;
  /** Child tables: whether a carried id collides with an active one (or ids are not distinct integers). */
  collides: boolean;
  /** Where the archived ids are kept when they are not distinct integers (see `legacy-ids.ts`). */
  legacyId: string | null;
  /** The archive's row order, its first page and the page after a key. */
  order: RowOrder;
  first: string;
  select: string;
}

/** How the pages of the work go: their size, the interruption point and progress. */
export interface Work {
  pageSize: number;
  /** Throws an {@link InterruptedError} once the signal is aborted. */
  pause: () => Promise<void>;
  progress: (progress: CarryOverArchiveProgress) => void;
}

export async function count(db: Executor, table: string): Promise<number> {
  const [row] = await db.all(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
  return Number(row?.n ?? 0);
}

/** Which of `ids` (integers) `table` of `db` already uses: one `IN (...)` query. */
async function usedIds(db: Executor, table: string, ids: SqlValue[]): Promise<boolean> {
  if (ids.length === 0) return false;
  const rows = await db.all(
    `SELECT 1 AS x FROM ${quoteIdent(table)} WHERE "id" IN (${ids.map(() => '?').join(', ')}) LIMIT 1`,
    ids,
  );
  return rows.length > 0;
}

/**
 * Rows of `page` to carry: those whose run is in the archive and not in the
 * active database. For `runs` itself, every row of the page is its own run.
 */
export async function split(
  active: Executor,
  archive: Database,
  table: TableDef,
  page: Row[],
): Promise<{ carry: Row[]; skipped: number; orphans: number }> {
  const ids = [...new Set(page.map((row) => String(row.run_id)))];
  const inActive = await presentRunIds(active, ids);
  const inArchive = table === TABLES.runs ? new Set(ids) : await presentRunIds(archive, ids);
  const carry: Row[] = [];
  let skipped = 0;
  let orphans = 0;
  for (const row of page) {
    const runId = String(row.run_id);
    if (!inArchive.has(runId)) orphans++;
    else if (inActive.has(runId)) skipped++;
    else carry.push(row);
  }
  return { carry, skipped, orphans };
}

/** Pages of an archive table, in insertion order (key order for a table without rowid). */
export function pages(archive: Database, plan: TablePlan, pageSize: number) {
  return keysetPages({
    read: (after) =>
      after === null
        ? archive.all(plan.first, [pageSize])
        : archive.all(plan.select, [...after, pageSize]),
    keyOf: (row) => keyOf(plan.order, row),
    pageSize,
  });
}

/** Count what one table would carry, and decide its columns and ids. */
export async function surveyTable(
  active: Executor,
  archive: Database,
  table: TableDef,
  archived: ObservedSchema,
  schema: ObservedSchema,
  work: Work,
): Promise<TablePlan> {
  const source = archived.tables[table.name]!;
  const ours = (schema.tables[table.name] ?? []).map((c) => c.name.toLowerCase());
  const constants: Record<string, SqlValue> =
    table === TABLES.runs && !source.some((c) => c.name.toLowerCase() === 'schema_version')
      ? { schema_version: V1_SCHEMA_VERSION }
      : {};
  const added = source
    .filter((c) => !ours.includes(c.name.toLowerCase()))
    .map((c) => ({
      column: c.name,
      sql: addColumnSql(table.name, definitionFor(table, c, active.dialect)),
    }));
  const names = source.map((c) => c.name).filter((name) => !(name in constants));
  const order = rowOrderOf(archived, table.name);
  const reads = keysetSelects(order, names.map(quoteIdent).join(', '), quoteIdent(table.name));
  const plan: TablePlan = {
    table,
    columns: names,
    constants,
    added,
    rows: 0,
    skipped: 0,
    orphans: 0,
    collides: false,
    legacyId: null,
    order,
    first: reads.first,
    select: reads.next,
  };
  const hasId = table !== TABLES.runs && names.includes('id');
  const id = source.find((c) => c.name === 'id');
  if (hasId && id && (await needNewIds(archive, table.name, id))) {
    // Ids v2 cannot take (duplicates, text, nulls): new ones, the archived ones kept.
    plan.collides = true;
    plan.legacyId = legacyIdColumn(source);
    if (!ours.includes(plan.legacyId)) {
      const type = plainTypeName(id.type);
      const column = quoteIdent(plan.legacyId);
      plan.added.push({
        column: plan.legacyId,
        sql: addColumnSql(table.name, type ? `${column} ${type}` : column),
      });
    }
  }
  if (table === TABLES.runs && !source.some((c) => c.primaryKey && c.name === 'run_id')) {
    const duplicates = await duplicateRunIds(archive, quoteIdent('runs'));
    if (duplicates.length) {
      throw duplicateRunsError(duplicates, archive.location, true);
    }
  }
  const total = await count(archive, table.name);
  let done = 0;
  for await (const page of pages(archive, plan, work.pageSize)) {
    await work.pause();
    const { carry, skipped, orphans } = await split(active, archive, table, page);
    plan.rows += carry.length;
    plan.skipped += skipped;
    plan.orphans += orphans;
    if (hasId && !plan.collides) {
      plan.collides = await usedIds(
        active,
        table.name,
        carry.map((row) => row.id ?? null).filter((id) => id !== null),
      );
    }
    done += page.length;
    work.progress({ step: 'survey', table: table.name, done, total });
  }
  // New ids are generated by the active table, in the order rows are inserted.
  if (plan.collides && !plan.legacyId) plan.columns = names.filter((name) => name !== 'id');
  return plan;
}
