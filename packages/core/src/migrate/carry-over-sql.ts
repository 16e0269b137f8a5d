/**
 * The SQL of carry-over and backfill, built by the planner: how each table's rows
 * are copied (page by page, through JavaScript or inside SQLite with `ATTACH`),
 * and how the v2 metrics of carried-over runs are computed page by page.
 */

import { canonicalColumns, TABLES, type TableDef } from '../columns/registry.js';
import { createIndexSql, insertSql, updateSql } from '../columns/sql.js';
import type { ObservedColumn } from '../sql/observed-schema.js';
import { quoteIdent } from '../sql/quote.js';
import type { SqlValue } from '../sql/values.js';
import { keyOrderBy, keysetSelects, type RowOrder } from '../storage/keyset-pages.js';
import { BACKFILLED_COLUMNS } from './upgrade-v1-run.js';

/** How one table's rows are carried over. */
export interface CarryOverCopy {
  table: string;
  /** Source columns copied, by name. */
  columns: string[];
  /**
   * Target columns, in the order of `columns` (a source column may land under
   * another name: legacy ids kept aside, see {@link carryOverCopy}, or a name
   * in another case written under runmeta's).
   */
  targetColumns?: string[];
  /** The order pages are read in: the source's rowid, or its primary key. */
  order: RowOrder;
  /** Reads the first page of source rows (parameter: page size). */
  firstSelect: string;
  /** Reads the page after a row (parameters: that row's key values, then page size). */
  select: string;
  /** Inserts one row: the source columns, then the constant columns. */
  insert: string;
  /**
   * The first and last rowid of the attached source, as text (64-bit exact);
   * pages are rowid ranges between them, so finding a page costs one b-tree seek.
   * Null for a source without rowid: `attachedPage` then copies it whole.
   */
  attachedRange: string | null;
  /**
   * Copies one rowid range from the attached source, in rowid order (parameters:
   * the constants, then the range's first and last rowid, both included); for a
   * source without rowid, every row in key order (parameters: the constants).
   */
  attachedPage: string;
  /** Columns set to a constant on every copied row. */
  constants: Record<string, SqlValue>;
  /**
   * A child table whose legacy ids are not known to be unique integers (v2 ids
   * are): checked before the copy, and if they are not, the rows are copied
   * with `copy` instead — new ids, the old ones in `column`, added by `addColumn`.
   */
  legacyIds?: { id: ObservedColumn; column: string; addColumn: string; copy: CarryOverCopy };
}

/**
 * The statements of the backfill step, which computes the v2 metrics of the
 * carried-over runs page by page (keyset on `run_id`), so progress is reported
 * per page and memory does not grow with the number of runs.
 */
export interface BackfillSql {
  /** Indexes the page reads need, made before the first page (`IF NOT EXISTS`). */
  indexes: string[];
  /** How many runs will be backfilled (parameter: schema_version). */
  count: string;
  /** The first page of runs (parameters: schema_version, page size). */
  firstPage: string;
  /** The next page of runs (parameters: schema_version, last run_id, page size). */
  nextPage: string;
  /** The assignments of a page's runs (parameters: its first and last run_id). */
  assignments: string;
  /** Stores one run's metrics (parameters: the metric columns, then run_id). */
  update: string;
}

/**
 * How the planner copies one table, read in `order`. `rename` maps a source
 * column to the target column it lands in (by default its own name).
 */
export function carryOverCopy(
  table: TableDef,
  source: readonly { name: string }[],
  constants: Record<string, SqlValue>,
  order: RowOrder = { key: ['_rowid_'], rowid: true, aliases: [CARRY_OVER_ROWID] },
  rename: Readonly<Record<string, string>> = {},
): CarryOverCopy {
  const columns = source.map((c) => c.name).filter((name) => !(name in constants));
  // SQLite matches `Template_ID` to our template_id; a server compares names
  // exactly, so a source column that is one of ours is written under our name.
  const ours = canonicalColumns(table).map((c) => c.name);
  const targetColumns = columns.map(
    (name) => rename[name] ?? ours.find((o) => o === name.toLowerCase()) ?? name,
  );
  // The key aliases never shadow a source column (a legacy file may have one
  // named __runmeta_rowid).
  const keyed: RowOrder = {
    ...order,
    aliases: order.aliases.map((a) => {
      let name = a;
      while (columns.includes(name)) name += '_';
      return name;
    }),
  };
  const sourceTable = `${quoteIdent(ATTACHED_SOURCE)}.${quoteIdent(table.name)}`;
  const pages = keysetSelects(keyed, columns.map(quoteIdent).join(', '), quoteIdent(table.name));
  const into = `INSERT INTO ${quoteIdent(table.name)} (${[...targetColumns, ...Object.keys(constants)].map(quoteIdent).join(', ')}) SELECT ${[...columns.map(quoteIdent), ...Object.keys(constants).map(() => '?')].join(', ')} FROM ${sourceTable}`;
  return {
    table: table.name,
    columns,
    ...(targetColumns.some((t, i) => t !== columns[i]) ? { targetColumns } : {}),
    order: keyed,
    firstSelect: pages.first,
    select: pages.next,
    insert: insertSql(table.name, [...targetColumns, ...Object.keys(constants)]),
    attachedRange: keyed.rowid
      ? // Two subqueries: SQLite answers a lone min() or max() of the rowid from
        // the b-tree's edge, but scans the whole table for both in one SELECT.
        `SELECT CAST((SELECT min(_rowid_) FROM ${sourceTable}) AS TEXT) AS ${quoteIdent('first')}, CAST((SELECT max(_rowid_) FROM ${sourceTable}) AS TEXT) AS ${quoteIdent('last')}`
      : null,
    attachedPage: keyed.rowid
      ? `${into} WHERE _rowid_ >= ? AND _rowid_ <= ? ORDER BY _rowid_`
      : `${into}${keyOrderBy(keyed)}`,
    constants,
  };
}

/** The backfill statements of a carry-over with `backfill`. */
export function backfillStatements(): BackfillSql {
  const runs = `SELECT ${['run_id', 'entities_created', 'timepoints_created', 'tokens_used'].map(quoteIdent).join(', ')} FROM ${quoteIdent('runs')} WHERE ${quoteIdent('schema_version')} = ?`;
  const order = ` ORDER BY ${quoteIdent('run_id')} LIMIT ?`;
  return {
    indexes: createIndexSql(TABLES.resolutionAssignments),
    count: `SELECT count(*) AS ${quoteIdent('n')} FROM ${quoteIdent('runs')} WHERE ${quoteIdent('schema_version')} = ? AND ${quoteIdent('run_id')} IS NOT NULL`,
    firstPage: `${runs} AND ${quoteIdent('run_id')} IS NOT NULL${order}`,
    nextPage: `${runs} AND ${quoteIdent('run_id')} > ?${order}`,
    assignments: `SELECT ${['id', 'run_id', 'entity_id', 'resolution', 'timestamp'].map(quoteIdent).join(', ')} FROM ${quoteIdent(TABLES.resolutionAssignments.name)} WHERE ${quoteIdent('run_id')} >= ? AND ${quoteIdent('run_id')} <= ?`,
    update: updateSql('runs', [...BACKFILLED_COLUMNS], 'run_id'),
  };
}

/** Schema name the source database is attached under during carry-over. */
export const ATTACHED_SOURCE = 'runmeta_source';

/** Name of the synthetic rowid column in carry-over pages. */
export const CARRY_OVER_ROWID = '__runmeta_rowid';
