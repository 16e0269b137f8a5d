/**
 * The grouped statements of a summary (see `summarize.ts`): the totals of each
 * group, and the compliance median and p90 of each. Each has a general shape,
 * one pass over the runs the filter selects, and a shape for the report
 * indexes (`RUN_QUESTION_INDEXES`), taken when they serve the question: a
 * summary of every run, by template or over all. The answers are the same
 * either way; only the work differs.
 *
 * @packageDocumentation
 */
import { questionIndex } from '../columns/registry.js';
import { RESOLUTION_LEVELS, RUN_STATUSES } from '../schema/enum-values.js';
import type { Row, SqlValue } from '../sql/values.js';
import { type CompiledFilter, whereSql } from './run-query.js';
import type { SummaryGrouping } from './summary-grouping-names.js';
import { type BoundSql, columnOrNull, foldedEnum } from './summary-groups.js';

/** More groups than this read their percentiles in one windowed pass rather than two lookups each. */
const MOST_RANKED_GROUPS = 256;

/** Which statements the report indexes serve for a summary. */
export interface IndexedShape {
  /** The totals read the totals index, one row per template, status and distribution. */
  totals: boolean;
  /** The percentiles are read per template, at their ranks in the template–compliance index. */
  ranks: boolean;
}

/** Whether `lists` holds an index with exactly `columns`, in order, first. */
const leads = (lists: readonly string[][], columns: readonly string[]) =>
  lists.some((list) => columns.every((c, i) => list[i] === c));

/**
 * The shapes the report indexes allow for summarizing `f` by `by`: only over
 * every run of the one table (no filter, no archive), by template or over all,
 * and only where the database has the indexes (a file written before them has
 * not, until it is next opened for writing).
 */
export async function indexedShape(f: CompiledFilter, by: SummaryGrouping): Promise<IndexedShape> {
  const { table, db } = f.view;
  const none = { totals: false, ranks: false };
  if (table === null || f.conditions.length || (by !== 'template' && by !== 'none')) return none;
  const lists = (await db.dialect.plainIndexes?.(db, table)) ?? [];
  return {
    totals: leads(lists, questionIndex('idx_runs_report_totals').columns),
    ranks: by === 'template' && leads(lists, questionIndex('idx_runs_template_compliance').columns),
  };
}

/**
 * The rows a group's totals add up, one per run: its key `k`, folded status
 * `s`, `n` = 1, cost, tokens, calls, overrun (0/1), `cn` = 1 when it has a
 * compliance, the compliance as `cmin` and `cmax`, and its distribution made
 * ready once (`fd`).
 */
function perRun(f: CompiledFilter, key: BoundSql): BoundSql {
  const cols = f.view.columns;
  const { dialect } = f.view.db;
  const status = foldedEnum('status', cols, RUN_STATUSES);
  const c = columnOrNull('token_budget_compliance', cols);
  const distribution = columnOrNull('fidelity_distribution', cols);
  const fd = distribution === 'NULL' ? 'NULL' : dialect.jsonKeys(distribution);
  return {
    sql: `SELECT ${key.sql} AS "k", ${status.sql} AS "s", 1 AS "n", ${columnOrNull('cost_usd', cols)} AS "cost", ${columnOrNull('tokens_used', cols)} AS "tokens", ${columnOrNull('llm_calls', cols)} AS "calls", CASE WHEN ${c} > 1 THEN 1 ELSE 0 END AS "over", CASE WHEN ${c} IS NULL THEN 0 ELSE 1 END AS "cn", ${c} AS "cmin", ${c} AS "cmax", ${fd} AS "fd" FROM ${f.view.from}${whereSql(f.conditions)}${dialect.evaluateOnce}`,
    params: [...key.params, ...status.params, ...f.params],
  };
}

/**
 * The same rows, one per template, raw status and raw distribution, read from
 * the totals index in its order (no sort, no run's row read): a million runs
 * are some tens of thousands of such groups, so each distinct distribution's
 * JSON is read once per group instead of once per run. `key` and the status
 * fold name the grouped columns, as they would name the table's.
 */
function perDistribution(f: CompiledFilter, key: BoundSql): BoundSql {
  const { dialect } = f.view.db;
  const status = foldedEnum('status', f.view.columns, RUN_STATUSES);
  const c = '"token_budget_compliance"';
  const grouped = `SELECT "template_id", "status", "fidelity_distribution", count(*) AS "n", sum("cost_usd") AS "cost", sum("tokens_used") AS "tokens", sum("llm_calls") AS "calls", sum(CASE WHEN ${c} > 1 THEN 1 ELSE 0 END) AS "over", count(${c}) AS "cn", min(${c}) AS "cmin", max(${c}) AS "cmax" FROM ${f.view.from} GROUP BY "template_id", "status", "fidelity_distribution"`;
  return {
    sql: `SELECT ${key.sql} AS "k", ${status.sql} AS "s", "n", "cost", "tokens", "calls", "over", "cn", "cmin", "cmax", ${dialect.jsonKeys('"fidelity_distribution"')} AS "fd" FROM (${grouped}) AS "d"${dialect.evaluateOnce}`,
    params: [...key.params, ...status.params],
  };
}

/**
 * Per group, in one statement: runs, counts by status, sums, overruns,
 * compliance count/min/max and each known level's fidelity total
 * (`level_<name>`), added up from {@link perRun} or {@link perDistribution}
 * rows, each weighing its `n` runs.
 */
export async function groupTotals(
  f: CompiledFilter,
  key: BoundSql,
  shape: IndexedShape,
): Promise<Row[]> {
  const rows = shape.totals ? perDistribution(f, key) : perRun(f, key);
  const { dialect } = f.view.db;
  const hasLevels = f.view.columns.includes('fidelity_distribution');
  const levels = RESOLUTION_LEVELS.map((level) =>
    hasLevels ? dialect.jsonKeyNumber('"fd"', level) : { sql: 'NULL', params: [] },
  );
  const byStatus = RUN_STATUSES.map((s) => `sum(CASE WHEN "s" = ? THEN "n" ELSE 0 END) AS "${s}"`);
  const byLevel = RESOLUTION_LEVELS.map(
    (level, i) => `sum("n" * ${levels[i]!.sql}) AS "level_${level}"`,
  );
  const sql = `SELECT "k", sum("n") AS "runs", ${byStatus.join(', ')}, sum("cost") AS "cost", sum("tokens") AS "tokens", sum("calls") AS "calls", sum("over") AS "over", sum("cn") AS "cn", min("cmin") AS "cmin", max("cmax") AS "cmax", ${byLevel.join(', ')} FROM (${rows.sql}) AS "g" GROUP BY "k"`;
  return f.all(sql, [...RUN_STATUSES, ...levels.flatMap((l) => l.params), ...rows.params]);
}

/** A group's compliance median and p90 (nearest rank), by its key as text. */
export interface GroupRanks {
  key: string | null;
  median: number | null;
  p90: number | null;
}

/**
 * The key of a result row as text (null stays null): what groups are told
 * apart by, whatever the stored type (a blob read twice is two objects).
 */
export const keyText = (row: Row): string | null =>
  row.k === null || row.k === undefined ? null : String(row.k);

/** The nearest ranks (1-based) of the median and p90 among `n` values. */
export const medianRank = (n: number): number => Math.floor((n + 1) / 2);
export const p90Rank = (n: number): number => Math.floor((9 * n + 9) / 10);

/**
 * Per group: the compliance values at the median and p90 ranks. With the
 * template–compliance index (and not too many groups), two index reads per
 * template, each stepping to its rank among the template's entries; otherwise
 * one windowed pass numbering each group's compliances in order.
 */
export async function groupRanks(
  f: CompiledFilter,
  key: BoundSql,
  shape: IndexedShape,
  totals: readonly Row[],
): Promise<GroupRanks[]> {
  const compliance = columnOrNull('token_budget_compliance', f.view.columns);
  if (compliance === 'NULL') return [];
  if (shape.ranks && totals.length <= MOST_RANKED_GROUPS) {
    const ranks: GroupRanks[] = [];
    for (const row of totals) {
      const n = Number(row.cn ?? 0);
      const at = (rank: number) => complianceAt(f, rank, ofTemplate((row.k ?? null) as SqlValue));
      ranks.push({ key: keyText(row), median: await at(medianRank(n)), p90: await at(p90Rank(n)) });
    }
    return ranks;
  }
  const inner = `SELECT ${key.sql} AS "k", ${compliance} AS "c" FROM ${f.view.from}${whereSql([...f.conditions, `${compliance} IS NOT NULL`])}`;
  const ranked = `SELECT "k", "c", row_number() OVER (PARTITION BY "k" ORDER BY "c") AS "rn", count(*) OVER (PARTITION BY "k") AS "n" FROM (${inner}) AS "g"`;
  const sql = `SELECT "k", "c", "rn", "n" FROM (${ranked}) AS "r" WHERE "rn" = ("n" + 1) / 2 OR "rn" = (9 * "n" + 9) / 10`;
  const found = new Map<string | null, GroupRanks>();
  for (const row of await f.all(sql, [...key.params, ...f.params])) {
    const k = keyText(row);
    const ranks = found.get(k) ?? { key: k, median: null, p90: null };
    const rank = Number(row.rn);
    const n = Number(row.n);
    if (rank === medianRank(n)) ranks.median = Number(row.c);
    if (rank === p90Rank(n)) ranks.p90 = Number(row.c);
    found.set(k, ranks);
  }
  return [...found.values()];
}

/**
 * The `rank`-th smallest compliance (1-based) of `f`'s runs, narrowed by
 * `narrower` (a group's condition) when given; null for rank 0. An ordered
 * read that stops at its rank: an index range where a compliance index serves.
 */
export async function complianceAt(
  f: CompiledFilter,
  rank: number,
  narrower: BoundSql | null = null,
): Promise<number | null> {
  const c = columnOrNull('token_budget_compliance', f.view.columns);
  if (rank < 1 || c === 'NULL') return null;
  const conditions = [...f.conditions, ...(narrower ? [narrower.sql] : []), `${c} IS NOT NULL`];
  const [row] = await f.all(
    `SELECT ${c} AS "c" FROM ${f.view.from}${whereSql(conditions)} ORDER BY ${c} LIMIT 1 OFFSET ?`,
    [...f.params, ...(narrower?.params ?? []), rank - 1],
  );
  return row ? Number(row.c) : null;
}

/** The condition of one template's runs (a stored value; null: runs without one). */
const ofTemplate = (template: SqlValue): BoundSql =>
  template === null
    ? { sql: '"template_id" IS NULL', params: [] }
    : { sql: '"template_id" = ?', params: [template] };
