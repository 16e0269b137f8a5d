/**
 * Listing runs: filtered, sorted by any sort key either way, one page at a time
 * with a keyset cursor — all in SQL, so a page of a million runs costs an index
 * range and memory holds one page. Runs without a value for the key come after
 * those with one, in both directions; ties go by run id.
 *
 * @packageDocumentation
 */
import { z } from 'zod';
import type { RunMetadata, RunSource } from '../columns/run-record.js';
import type { MetadataManager } from '../manager/metadata-manager.js';
import { decodeRun } from '../manager/run-queries.js';
import { quoteIdent } from '../sql/quote.js';
import type { Row, SqlValue } from '../sql/values.js';
import { decodeRunCursor, encodeRunCursor, type RunCursor } from './run-cursor.js';
import { compileFilter, RunQueryFilterSchema, whereSql } from './run-query.js';
import { formatRunOrder, parseRunOrder, type RunOrder, sortExpression } from './sort-keys.js';

/** Runs per page when none is asked for. */
export const DEFAULT_PAGE_SIZE = 100;
/** The largest page a list returns (iterate with the cursor for more). */
export const MAX_PAGE_SIZE = 10_000;

const ListRunsSchema = RunQueryFilterSchema.extend({
  /** `key[:asc|:desc]` (see `SORT_KEYS`); default `created:asc`. */
  sort: z.string().optional(),
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  /** The `nextCursor` of the page before. */
  cursor: z.string().optional(),
});

/** What {@link listRuns} takes: a filter, an order, a page size and a cursor. */
export type ListRunsOptions = z.input<typeof ListRunsSchema>;

/** One page of a run list. */
export interface RunPage {
  /** The runs of the page, in order; with `includeArchive` each says its `source`. */
  runs: RunMetadata[];
  /** Pass as `cursor` for the next page; null after the last. */
  nextCursor: string | null;
  /** The order applied, `key:direction`. */
  order: string;
}

/** Aliases of the key value and the source a page's rows carry besides the run's columns. */
const KEY = '__runmeta_sort_key';

/**
 * One page of the runs `options` selects, in its order.
 *
 * @example
 * ```ts
 * let page = await listRuns(manager, { sort: 'cost:desc', limit: 10, status: 'completed' });
 * while (page.nextCursor) page = await listRuns(manager, { sort: 'cost:desc', limit: 10, status: 'completed', cursor: page.nextCursor });
 * ```
 */
export async function listRuns(
  manager: Pick<MetadataManager, 'runsView'>,
  options: ListRunsOptions = {},
): Promise<RunPage> {
  const { options: o, filter } = await compileFilter(manager, options, ListRunsSchema, 'options');
  const order = parseRunOrder(o.sort ?? 'created', 'options.sort');
  const cursor = o.cursor ? decodeRunCursor(o.cursor, order, 'options.cursor') : null;
  const limit = o.limit ?? DEFAULT_PAGE_SIZE;
  const { view } = filter;
  const key = sortExpression(order.key, view.columns, view.db.dialect);
  const way = order.direction === 'desc' ? 'DESC' : 'ASC';
  const beyond = order.direction === 'desc' ? '<' : '>';
  const select = `SELECT *, ${key} AS ${quoteIdent(KEY)} FROM ${view.from}`;
  const runId = quoteIdent('run_id');

  // One more than the page, to know whether another follows.
  const rows: Row[] = [];
  if (!cursor?.missing) {
    const conditions = [...filter.conditions, `${key} IS NOT NULL`];
    const params: SqlValue[] = [...filter.params];
    if (cursor) {
      conditions.push(`(${key} ${beyond} ? OR (${key} = ? AND ${runId} ${beyond} ?))`);
      params.push(cursor.value, cursor.value, cursor.runId);
    }
    const sql = `${select}${whereSql(conditions)} ORDER BY ${key} ${way}, ${runId} ${way} LIMIT ?`;
    rows.push(...(await filter.all(sql, [...params, limit + 1])));
  }
  if (rows.length <= limit) {
    // Runs without a value for the key: after all the others, by run id.
    const conditions = [...filter.conditions, `${key} IS NULL`];
    const params: SqlValue[] = [...filter.params];
    if (cursor?.missing) {
      conditions.push(`${runId} ${beyond} ?`);
      params.push(cursor.runId);
    }
    const sql = `${select}${whereSql(conditions)} ORDER BY ${runId} ${way} LIMIT ?`;
    rows.push(...(await filter.all(sql, [...params, limit + 1 - rows.length])));
  }

  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    runs: page.map(toRun),
    nextCursor: rows.length > limit && last ? encodeRunCursor(cursorAt(order, last)) : null,
    order: formatRunOrder(order),
  };
}

/** The cursor after `row`. */
function cursorAt(order: RunOrder, row: Row): RunCursor {
  const value = row[KEY] ?? null;
  return {
    order: formatRunOrder(order),
    missing: value === null,
    value: typeof value === 'bigint' ? Number(value) : value,
    runId: String(row.run_id),
  };
}

/** A page row as a run: the helper columns taken off first. */
function toRun(row: Row): RunMetadata {
  const { [KEY]: _key, ...columns } = row;
  let source: RunSource | undefined;
  if ('source' in columns) {
    source = columns.source as RunSource;
    delete columns.source;
  }
  return decodeRun(columns, source);
}

/**
 * Every run `options` selects, in its order, read page by page (`pageSize`,
 * default 1,000) so memory holds one page whatever the number of runs.
 */
export async function* iterateRunList(
  manager: Pick<MetadataManager, 'runsView'>,
  options: Omit<ListRunsOptions, 'limit' | 'cursor'> & { pageSize?: number } = {},
): AsyncGenerator<RunMetadata> {
  const { pageSize = 1000, ...query } = options;
  let cursor: string | undefined;
  do {
    const page = await listRuns(manager, { ...query, limit: pageSize, cursor });
    yield* page.runs;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
