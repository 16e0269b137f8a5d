/**
 * Reading runs: projections over the columns a table actually has, filters,
 * ordering and lenient decoding. Archive and active databases can have different
 * shapes, so every query is built from that database's observed columns.
 */
import { CANONICAL_RUN_COLUMNS, TABLES, V1_SCHEMA_VERSION } from '../columns/registry.js';
import { decodeRow, withNulls } from '../columns/rows.js';
import { quoteIdent, selectSql } from '../columns/sql.js';
import { compileWhere, parseWhere } from '../filter/where.js';
import { sortMechanisms } from '../metrics/mechanisms.js';
import type { RunMetadata, RunSource } from '../schema/run-metadata.js';
import type { Row, SqlValue } from '../storage/adapter.js';
import { type SqlDialect, sqliteDialect } from '../storage/dialect.js';

const CANONICAL = Object.values(CANONICAL_RUN_COLUMNS);

/**
 * The SQL expression for "when the run was created": created_at, else
 * started_at, else '' — never NULL, so ordering and keyset pagination agree.
 */
export function createdExpression(columns: readonly string[]): string {
  const parts = ['created_at', 'started_at'].filter((c) => columns.includes(c)).map(quoteIdent);
  return `COALESCE(${[...parts, "''"].join(', ')})`;
}

/** Extra column carrying the raw ordering value for keyset pagination. */
export const CURSOR_COLUMN = '__runmeta_rowid';

/** Resolved filter, after validation. */
export interface ResolvedFilter {
  templateId?: string | undefined;
  status?: string | undefined;
  causalMode?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  limit?: number | undefined;
  order?: 'oldest-first' | 'newest-first' | undefined;
  /** A filter in the `--where` language (see `parseWhere`). */
  where?: string | undefined;
  /** Keyset cursor: only rows after this rowid (insertion order; uses the primary index). */
  afterRowid?: SqlValue | undefined;
}

/** WHERE clause and parameters for a filter, over the columns this table has. */
export function whereClause(
  columns: readonly string[],
  filter: ResolvedFilter,
  dialect: SqlDialect = sqliteDialect,
): { sql: string; params: SqlValue[] } {
  const conditions: string[] = [];
  const params: SqlValue[] = [];
  const created = createdExpression(columns);
  const equal = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    // A filter on a column this table lacks matches nothing (rather than everything).
    conditions.push(columns.includes(column) ? `${quoteIdent(column)} = ?` : '1 = 0');
    if (columns.includes(column)) params.push(value);
  };
  equal('template_id', filter.templateId);
  equal('status', filter.status);
  equal('causal_mode', filter.causalMode);
  if (filter.since !== undefined) {
    conditions.push(`${created} >= ?`);
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    conditions.push(`${created} < ?`);
    params.push(filter.until);
  }
  if (filter.where !== undefined) {
    const compiled = compileWhere(parseWhere(filter.where), columns, dialect);
    conditions.push(compiled.sql);
    params.push(...compiled.params);
  }
  if (filter.afterRowid !== undefined) {
    conditions.push('_rowid_ > ?');
    params.push(filter.afterRowid);
  }
  return { sql: conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '', params };
}

/** `SELECT` of every observed runs column, filtered, oldest first. */
export function runsSelect(
  columns: readonly string[],
  filter: ResolvedFilter,
  options: { cursor?: boolean; dialect?: SqlDialect } = {},
): { sql: string; params: SqlValue[] } {
  const where = whereClause(columns, filter, options.dialect);
  const direction = filter.order === 'newest-first' ? 'DESC' : 'ASC';
  // Paging walks the table in rowid order: each page is an index range, so a
  // million runs take linear time (ordering by the created expression would
  // rescan the table for every page).
  const order = options.cursor
    ? ' ORDER BY _rowid_'
    : ` ORDER BY ${createdExpression(columns)} ${direction}, ${quoteIdent('run_id')} ${direction}`;
  const limit = filter.limit !== undefined ? ' LIMIT ?' : '';
  const select = options.cursor
    ? selectSql('runs', columns).replace(
        ' FROM ',
        `, _rowid_ AS ${quoteIdent(CURSOR_COLUMN)} FROM `,
      )
    : selectSql('runs', columns);
  return {
    sql: select + where.sql + order + limit,
    params: filter.limit !== undefined ? [...where.params, filter.limit] : where.params,
  };
}

/** One grouped query for the distinct mechanisms of the filtered runs (no N+1). */
export function mechanismsSelect(
  columns: readonly string[],
  filter: ResolvedFilter,
  dialect: SqlDialect = sqliteDialect,
): { sql: string; params: SqlValue[] } {
  const where = whereClause(columns, filter, dialect);
  return {
    sql: `SELECT "run_id", "mechanism" FROM "mechanism_usage" WHERE "run_id" IN (SELECT "run_id" FROM "runs"${where.sql}) GROUP BY "run_id", "mechanism"`,
    params: where.params,
  };
}

/** Group `(run_id, mechanism)` rows into sorted mechanism lists. */
export function groupMechanisms(rows: readonly Row[]): Map<string, string[]> {
  const byRun = new Map<string, string[]>();
  for (const row of rows) {
    const runId = String(row.run_id);
    const list = byRun.get(runId) ?? [];
    list.push(String(row.mechanism));
    byRun.set(runId, list);
  }
  for (const [runId, list] of byRun) byRun.set(runId, sortMechanisms(list));
  return byRun;
}

/**
 * Decode a `runs` row leniently. Every canonical field is present (null when
 * unset or when the table lacks the column); a row from a table without
 * `schema_version` reports `1.0`.
 */
export function decodeRun(row: Row, source?: RunSource): RunMetadata {
  const { fields, extra, issues } = decodeRow(TABLES.runs, row);
  withNulls(fields, TABLES.runs, CANONICAL);
  if (!('schema_version' in row)) fields.schemaVersion = V1_SCHEMA_VERSION;
  fields.extra = extra;
  const run = fields as RunMetadata;
  if (source) run.source = source;
  if (issues.length) run.readIssues = issues;
  return run;
}

/** Creation time of a decoded run, for ordering across databases. */
export function createdOf(run: RunMetadata): string {
  return run.createdAt ?? run.startedAt ?? '';
}

/** Merge runs from several databases, oldest first (stable on run id). */
export function mergeOldestFirst(...lists: RunMetadata[][]): RunMetadata[] {
  return lists
    .flat()
    .sort((a, b) =>
      createdOf(a) < createdOf(b)
        ? -1
        : createdOf(a) > createdOf(b)
          ? 1
          : (a.runId ?? '').localeCompare(b.runId ?? ''),
    );
}
