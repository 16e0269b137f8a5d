/**
 * Reading runs: projections over the columns a table actually has, filters,
 * ordering and lenient decoding. Archive and active databases can have different
 * shapes, so every query is built from that database's observed columns.
 */
import { CANONICAL_RUN_COLUMNS, TABLES, V1_SCHEMA_VERSION } from '../columns/registry.js';
import { type DecodedRow, decodeRow, decodeValues, rowPlan, withNulls } from '../columns/rows.js';
import type { RunMetadata, RunSource } from '../columns/run-record.js';
import { selectSql } from '../columns/sql.js';
import { derivedTimeExpression } from '../filter/derived-times.js';
import { type FoldedValues, storedValuesCondition } from '../filter/folded-values.js';
import { compileWhere, parseWhere } from '../filter/where.js';
import { sortDistinctMechanisms } from '../metrics/mechanisms.js';
import { parseTimeInput, timeKey } from '../schema/time.js';
import { quoteIdent } from '../sql/quote.js';
import type { Row, RowValues, SqlValue } from '../sql/values.js';
import { keyAfter, keyOrderBy, keySelect, type RowOrder } from '../storage/keyset-pages.js';
import type { SqlDialect } from '../storage/sql-dialect.js';
import { sqliteDialect } from '../storage/sqlite/sqlite-dialect.js';

const CANONICAL = Object.values(CANONICAL_RUN_COLUMNS);

/**
 * The SQL expression for "when the run was created", as a time key (see
 * `schema/time.ts`): created_at, else started_at, compared and sorted as times.
 * For ordering it is '' when neither holds a time (such runs sort first, and
 * ordering and keyset pagination agree); for filtering it is NULL, so a run
 * whose creation time is unknown matches no time filter (`until` included).
 */
export function createdExpression(
  columns: readonly string[],
  dialect: SqlDialect = sqliteDialect,
  use: 'order' | 'filter' = 'order',
): string {
  return derivedTimeExpression('created', columns, dialect, use);
}

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
  /** Keyset cursor: only rows after these key values of the row order (see `storage/keyset-pages.ts`). */
  after?: SqlValue[] | undefined;
  /** Skip this many rows (after ordering; needs `limit`). */
  offset?: number | undefined;
}

/** WHERE clause and parameters for a filter, over the columns this table has. */
export function whereClause(
  columns: readonly string[],
  filter: ResolvedFilter,
  dialect: SqlDialect = sqliteDialect,
): { sql: string; params: SqlValue[] } {
  const { conditions, params } = filterConditions(columns, filter, dialect);
  return { sql: conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '', params };
}

/**
 * A filter's conditions (to be joined with AND) and their parameters, over the
 * columns a table has; `folded` as for {@link compileWhere}.
 */
export function filterConditions(
  columns: readonly string[],
  filter: ResolvedFilter,
  dialect: SqlDialect = sqliteDialect,
  folded?: FoldedValues,
): { conditions: string[]; params: SqlValue[] } {
  const conditions: string[] = [];
  const params: SqlValue[] = [];
  const created = createdExpression(columns, dialect, 'filter');
  const equal = (column: string, value: string | undefined, enumColumn = false) => {
    if (value === undefined) return;
    // A filter on a column this table lacks matches nothing (rather than everything).
    if (!columns.includes(column)) {
      conditions.push('1 = 0');
      return;
    }
    // Enum values are read case-folded (`FAILED` is failed), so they match that way.
    const stored = enumColumn
      ? storedValuesCondition(column, [value.toLowerCase()], folded, params)
      : null;
    if (stored) {
      conditions.push(stored);
      return;
    }
    conditions.push(
      enumColumn ? `lower(trim(${quoteIdent(column)})) = ?` : `${quoteIdent(column)} = ?`,
    );
    params.push(enumColumn ? value.toLowerCase() : value);
  };
  equal('template_id', filter.templateId);
  equal('status', filter.status, true);
  equal('causal_mode', filter.causalMode, true);
  if (filter.since !== undefined) {
    conditions.push(`${created} >= ?`);
    params.push(parseTimeInput(filter.since));
  }
  if (filter.until !== undefined) {
    conditions.push(`${created} < ?`);
    params.push(parseTimeInput(filter.until));
  }
  if (filter.where !== undefined) {
    const compiled = compileWhere(parseWhere(filter.where), columns, dialect, folded);
    conditions.push(compiled.sql);
    params.push(...compiled.params);
  }
  return { conditions, params };
}

/**
 * `SELECT` of every observed runs column, filtered, oldest first — or, with a
 * `cursor` (the table's row order), in that order from `filter.after` on.
 */
export function runsSelect(
  columns: readonly string[],
  filter: ResolvedFilter,
  options: { cursor?: RowOrder; dialect?: SqlDialect } = {},
): { sql: string; params: SqlValue[] } {
  const where = whereClause(columns, filter, options.dialect);
  const direction = filter.order === 'newest-first' ? 'DESC' : 'ASC';
  const cursor = options.cursor;
  if (cursor && filter.after !== undefined) {
    where.sql += `${where.sql ? ' AND ' : ' WHERE '}${keyAfter(cursor)}`;
    where.params.push(...filter.after);
  }
  // Paging walks the table in rowid order: each page is an index range, so a
  // million runs take linear time (ordering by the created expression would
  // rescan the table for every page).
  const order = cursor
    ? keyOrderBy(cursor)
    : ` ORDER BY ${createdExpression(columns, options.dialect)} ${direction}, ${quoteIdent('run_id')} ${direction}`;
  const limit =
    filter.limit !== undefined
      ? ` LIMIT ?${filter.offset ? ` OFFSET ${Math.trunc(filter.offset)}` : ''}`
      : '';
  const select = cursor
    ? selectSql('runs', columns).replace(' FROM ', `, ${keySelect(cursor)} FROM `)
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
    // Unfiltered, every run's mechanisms are wanted: no `IN` (a row whose run is
    // gone matches no run and is left unused).
    sql: mechanismsOfRunsSql(dialect, where.sql ? `SELECT "run_id" FROM "runs"${where.sql}` : null),
    params: where.params,
  };
}

/**
 * The distinct mechanisms of the runs whose ids `runIds` (SQL) gives, for
 * {@link groupMechanisms}: one row per run with them as a JSON array where the
 * dialect can aggregate so, else one row per run and mechanism. `null`: of
 * every run in the table.
 */
export function mechanismsOfRunsSql(dialect: SqlDialect, runIds: string | null): string {
  const where = runIds === null ? '' : ` WHERE "run_id" IN (${runIds})`;
  return dialect.distinctJsonArray
    ? `SELECT "run_id", ${dialect.distinctJsonArray('"mechanism"')} AS "mechanisms" FROM "mechanism_usage"${where} GROUP BY "run_id"`
    : `SELECT "run_id", "mechanism" FROM "mechanism_usage"${where} GROUP BY "run_id", "mechanism"`;
}

/** The rows of {@link mechanismsOfRunsSql} as sorted mechanism lists by run. */
export function groupMechanisms(rows: readonly Row[]): Map<string, string[]> {
  const byRun = new Map<string, string[]>();
  for (const row of rows) {
    // A mechanism of no run (NULL run_id, possible in legacy tables) belongs to none.
    if (row.run_id === null || row.run_id === undefined) continue;
    const runId = String(row.run_id);
    if ('mechanisms' in row) {
      const list = JSON.parse(String(row.mechanisms)) as unknown[];
      for (let i = 0; i < list.length; i++) {
        if (typeof list[i] !== 'string') list[i] = String(list[i]);
      }
      byRun.set(runId, list as string[]);
      continue;
    }
    const list = byRun.get(runId) ?? [];
    list.push(String(row.mechanism));
    byRun.set(runId, list);
  }
  for (const list of byRun.values()) sortDistinctMechanisms(list);
  return byRun;
}

/**
 * Decode a `runs` row leniently. Every canonical field is present (null when
 * unset or when the table lacks the column); a row from a table without
 * `schema_version` reports `1.0`.
 */
export function decodeRun(row: Row, source?: RunSource, keepRaw = false): RunMetadata {
  return runOf(decodeRow(TABLES.runs, row, keepRaw), 'schema_version' in row, source);
}

/** Decode the `runs` rows of one query, as value arrays (see {@link decodeRun}). */
export function decodeRuns(rows: RowValues, source?: RunSource): RunMetadata[] {
  const plan = rowPlan(TABLES.runs, rows.columns);
  const versioned = rows.columns.includes('schema_version');
  return rows.rows.map((values) => runOf(decodeValues(plan, values), versioned, source));
}

function runOf(
  { fields, extra, issues }: DecodedRow,
  versioned: boolean,
  source: RunSource | undefined,
): RunMetadata {
  withNulls(fields, TABLES.runs, CANONICAL);
  if (!versioned) fields.schemaVersion = V1_SCHEMA_VERSION;
  fields.extra = extra;
  const run = fields as RunMetadata;
  if (source) run.source = source;
  if (issues.length) run.readIssues = issues;
  return run;
}

/** Creation time of a decoded run as a time key ('' when unknown), for ordering across databases. */
export function createdOf(run: RunMetadata): string {
  return timeKey(run.createdAt) ?? timeKey(run.startedAt) ?? '';
}

/** Merge runs from several databases, oldest first (stable on run id), as SQL orders them. */
export function mergeOldestFirst(...lists: RunMetadata[][]): RunMetadata[] {
  const keyed = lists.flat().map((run) => ({ run, key: createdOf(run) }));
  keyed.sort((a, b) =>
    a.key < b.key
      ? -1
      : a.key > b.key
        ? 1
        : a.run.runId < b.run.runId
          ? -1
          : a.run.runId > b.run.runId
            ? 1
            : 0,
  );
  return keyed.map((k) => k.run);
}
