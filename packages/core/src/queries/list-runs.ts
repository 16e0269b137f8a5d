/**
 * Listing runs: filtered, sorted by any sort key either way, one page at a time
 * with a keyset cursor — all in SQL, so a page of a million runs costs an index
 * range and memory holds one page. Runs without a value for the key come after
 * those with one, in both directions; ties go by run id.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import type { RunMetadata, RunSource } from '../columns/run-record.js';
import type { MetadataManager } from '../manager/metadata-manager.js';
import { decodeRun } from '../manager/run-queries.js';
import { quoteIdent } from '../sql/quote.js';
import type { Row, SqlValue } from '../sql/values.js';
import { decodeRunCursor, encodeRunCursor, type RunCursor } from './run-cursor.js';
import { type CompiledFilter, compileFilter, RunQueryFilterSchema, whereSql } from './run-query.js';
import {
  formatRunOrder,
  parseRunOrder,
  type RunOrder,
  sortExpression,
  sortsByStoredColumn,
} from './sort-keys.js';

/** Runs per page when none is asked for. */
export const DEFAULT_PAGE_SIZE = 100;
/** The largest page a list returns (iterate with the cursor for more). */
export const MAX_PAGE_SIZE = 10_000;

const ListRunsSchema = z.extend(RunQueryFilterSchema, {
  /** `key[:asc|:desc]` (see `SORT_KEYS`); default `created:asc`. */
  sort: z.optional(z.string()),
  limit: z.optional(z.number().check(z.int(), z.gte(1), z.lte(MAX_PAGE_SIZE))),
  /** The `nextCursor` of the page before. */
  cursor: z.optional(z.string()),
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
  const list = await compileList(manager, options);
  const limit = list.limit ?? DEFAULT_PAGE_SIZE;
  // One more than the page, to know whether another follows.
  const rows: Row[] = [];
  for (const tier of list.tiers) {
    if (rows.length > limit) break;
    rows.push(
      ...(await list.filter.all(`${tier.sql} LIMIT ?`, [...tier.params, limit + 1 - rows.length])),
    );
  }
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    runs: page.map(toRun),
    nextCursor: rows.length > limit && last ? encodeRunCursor(cursorAt(list.order, last)) : null,
    order: formatRunOrder(list.order),
  };
}

/** A list's order and the statements of its two tiers (runs with a value, then without). */
interface CompiledList {
  filter: CompiledFilter;
  order: RunOrder;
  limit: number | undefined;
  /** The statements, without `LIMIT`, in the order their rows come. */
  tiers: { sql: string; params: SqlValue[] }[];
}

async function compileList(
  manager: Pick<MetadataManager, 'runsView'>,
  options: ListRunsOptions,
  limits: { min: number; max: number } = { min: 1, max: MAX_PAGE_SIZE },
): Promise<CompiledList> {
  const limit = z.optional(z.number().check(z.int(), z.gte(limits.min), z.lte(limits.max)));
  const schema = z.extend(ListRunsSchema, { limit });
  // Sorted by a stored column, the runs come in its index's order and a page
  // stops early: a status filter must not lead the plan instead (SQLite keeps
  // no statistics, and would take the status index and sort every match).
  const { options: o, filter } = await compileFilter(manager, options, schema, 'options', (o) =>
    sortsByStoredColumn(parseRunOrder(o.sort ?? 'created', 'options.sort').key),
  );
  const order = parseRunOrder(o.sort ?? 'created', 'options.sort');
  const cursor = o.cursor ? decodeRunCursor(o.cursor, order, 'options.cursor') : null;
  const { view } = filter;
  const key = sortExpression(order.key, view.columns, view.db.dialect);
  const way = order.direction === 'desc' ? 'DESC' : 'ASC';
  const beyond = order.direction === 'desc' ? '<' : '>';
  // The columns by name: a server's `runs` also has its insertion-order column.
  const columns = [...view.columns, ...(view.withSource ? ['source'] : [])].map(quoteIdent);
  const select = `SELECT ${columns.join(', ')}, ${key} AS ${quoteIdent(KEY)} FROM ${view.from}`;
  const runId = quoteIdent('run_id');
  const tiers: CompiledList['tiers'] = [];
  if (!cursor?.missing) {
    const conditions = [...filter.conditions, `${key} IS NOT NULL`];
    const params: SqlValue[] = [...filter.params];
    if (cursor) {
      conditions.push(`(${key} ${beyond} ? OR (${key} = ? AND ${runId} ${beyond} ?))`);
      params.push(cursor.value, cursor.value, cursor.runId);
    }
    tiers.push({
      sql: `${select}${whereSql(conditions)} ORDER BY ${key} ${way}, ${runId} ${way}`,
      params,
    });
  }
  // Runs without a value for the key: after all the others, by run id.
  const conditions = [...filter.conditions, `${key} IS NULL`];
  const params: SqlValue[] = [...filter.params];
  if (cursor?.missing) {
    conditions.push(`${runId} ${beyond} ?`);
    params.push(cursor.runId);
  }
  tiers.push({ sql: `${select}${whereSql(conditions)} ORDER BY ${runId} ${way}`, params });
  return { filter, order, limit: o.limit, tiers };
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

/** What {@link streamRuns} takes: a list's options, `limit` unbounded. */
export type StreamRunsOptions = ListRunsOptions & {
  /** Runs per page when the backend cannot stream one statement (default 1,000). */
  pageSize?: number;
};

/**
 * Every run `options` selects (at most `limit`), in its order, in constant
 * memory: one statement streamed row by row where the backend can (SQLite
 * files), else keyset pages. While a statement streams, the manager's
 * connection is its: another call on the same manager inside the loop is
 * refused (`StorageError`) — collect what you need and act after the loop, or
 * page with {@link listRuns}. `onEnd` hears the cursor that continues the list
 * after `limit` runs (null when none follow).
 */
export async function* streamRuns(
  manager: Pick<MetadataManager, 'runsView'>,
  options: StreamRunsOptions = {},
  onEnd: (nextCursor: string | null) => void = () => {},
): AsyncGenerator<RunMetadata> {
  const { pageSize = 1000, ...query } = options;
  const list = await compileList(manager, query, { min: 0, max: Number.MAX_SAFE_INTEGER });
  const db = list.filter.view.db;
  if (list.limit === 0) {
    onEnd(null);
    return;
  }
  if (!db.streams) {
    let listed = 0;
    let cursor = query.cursor;
    for (;;) {
      const want = list.limit === undefined ? pageSize : Math.min(pageSize, list.limit - listed);
      const page = await listRuns(manager, { ...query, limit: want, cursor });
      yield* page.runs;
      listed += page.runs.length;
      cursor = page.nextCursor ?? undefined;
      if (!cursor || (list.limit !== undefined && listed >= list.limit)) break;
    }
    onEnd(list.limit !== undefined ? (cursor ?? null) : null);
    return;
  }
  let listed = 0;
  let last: Row | undefined;
  for (const tier of list.tiers) {
    const left = list.limit === undefined ? undefined : list.limit + 1 - listed;
    if (left === 0) break;
    const sql = left === undefined ? tier.sql : `${tier.sql} LIMIT ?`;
    const params = left === undefined ? tier.params : [...tier.params, left];
    for await (const row of list.filter.iterate(sql, params)) {
      if (list.limit !== undefined && listed === list.limit) {
        // One run beyond the limit: the list goes on after the last one given.
        listed++;
        break;
      }
      listed++;
      last = row;
      yield toRun(row);
    }
  }
  const more = list.limit !== undefined && listed > list.limit && last;
  onEnd(more ? encodeRunCursor(cursorAt(list.order, last as Row)) : null);
}
