/**
 * The SQL of carry-over and backfill, built by the planner: how each table's rows
 * are copied (page by page, through JavaScript or inside SQLite with `ATTACH`),
 * and how the v2 metrics of carried-over runs are computed page by page.
 */

import { canonicalColumns, TABLES, type TableDef } from '../columns/registry.js';
import { createIndexSql, insertSql, quoteIdent, updateSql } from '../columns/sql.js';
import type { SqlValue } from '../storage/adapter.js';
import { BACKFILLED_COLUMNS } from './backfill-rows.js';
import type { ObservedColumn } from './observe.js';

/** How one table's rows are carried over. */
export interface CarryOverCopy {
  table: string;
  /** Source columns copied, by name. */
  columns: string[];
  /** The name each page's rows carry their rowid under (one no source column has). */
  rowid: string;
  /** Reads a page of source rows (parameters: last rowid, page size). */
  select: string;
  /** Inserts one row: the source columns, then the constant columns. */
  insert: string;
  /**
   * The first and last rowid of the attached source, as text (64-bit exact);
   * pages are rowid ranges between them, so finding a page costs one b-tree seek.
   */
  attachedRange: string;
  /**
   * Copies one rowid range from the attached source, in rowid order (parameters:
   * the constants, then the range's first and last rowid, both included).
   */
  attachedPage: string;
  /** Columns set to a constant on every copied row. */
  constants: Record<string, SqlValue>;
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

const ROWID = '__runmeta_rowid';

/** How the planner copies one table. */
export function carryOverCopy(
  table: TableDef,
  source: ObservedColumn[],
  constants: Record<string, SqlValue>,
): CarryOverCopy {
  const columns = source.map((c) => c.name).filter((name) => !(name in constants));
  // SQLite matches `Template_ID` to our template_id; a server compares names
  // exactly, so a source column that is one of ours is written under our name.
  const ours = canonicalColumns(table).map((c) => c.name);
  const targets = [
    ...columns.map((name) => ours.find((o) => o === name.toLowerCase()) ?? name),
    ...Object.keys(constants),
  ];
  let rowid = ROWID;
  while (columns.includes(rowid)) rowid += '_';
  const sourceTable = `${quoteIdent(ATTACHED_SOURCE)}.${quoteIdent(table.name)}`;
  return {
    table: table.name,
    columns,
    rowid,
    select: `SELECT _rowid_ AS ${quoteIdent(rowid)}, ${columns.map(quoteIdent).join(', ')} FROM ${quoteIdent(table.name)} WHERE _rowid_ > ? ORDER BY _rowid_ LIMIT ?`,
    insert: insertSql(table.name, targets),
    attachedRange: `SELECT CAST(min(_rowid_) AS TEXT) AS ${quoteIdent('first')}, CAST(max(_rowid_) AS TEXT) AS ${quoteIdent('last')} FROM ${sourceTable}`,
    attachedPage: `INSERT INTO ${quoteIdent(table.name)} (${targets.map(quoteIdent).join(', ')}) SELECT ${[...columns.map(quoteIdent), ...Object.keys(constants).map(() => '?')].join(', ')} FROM ${sourceTable} WHERE _rowid_ >= ? AND _rowid_ <= ? ORDER BY _rowid_`,
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
export const CARRY_OVER_ROWID = ROWID;
