/**
 * Summarizing runs (`runmeta report`, the dashboard's overview): per group of
 * template, mode, status, day, week or month — or over all runs — the runs by
 * status, cost, tokens, LLM calls, budget overruns, the compliance distribution
 * and the fidelity totals per level. Two grouped statements (totals with the
 * fidelity levels, compliance ranks; see `summary-totals.ts`), each one pass
 * over the runs or over the report indexes where they serve; memory holds one
 * row per group, whatever the number of runs.
 * Fidelity totals are of the known levels (`RESOLUTION_LEVELS`), keys read in
 * any case.
 *
 * Compliance percentiles are nearest-rank: the median is the value at rank
 * ⌈n/2⌉ of the group's n compliances in ascending order, p90 at ⌈0.9·n⌉.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import type { MetadataManager } from '../manager/metadata-manager.js';
import { RESOLUTION_LEVELS, RUN_STATUSES } from '../schema/enum-values.js';
import { type CompiledFilter, compileFilter, RunQueryFilterSchema } from './run-query.js';
import { compareKeys, money } from './summary-format.js';
import type { SummaryGrouping } from './summary-grouping-names.js';
import {
  type BoundSql,
  groupKey,
  isTimeGrouping,
  SUMMARY_GROUPING_NAMES,
} from './summary-groups.js';
import {
  complianceAt,
  groupRanks,
  groupTotals,
  type IndexedShape,
  indexedShape,
  keyText,
  medianRank,
  p90Rank,
} from './summary-totals.js';

const SummarizeSchema = z.extend(RunQueryFilterSchema, {
  /** What to group by (default `template`). */
  by: z.optional(z.enum(SUMMARY_GROUPING_NAMES as [SummaryGrouping, ...SummaryGrouping[]])),
});

/** What {@link summarizeRuns} takes: a grouping and the filter of the runs. */
export type SummarizeOptions = z.input<typeof SummarizeSchema>;

/** The compliance values of a group: nearest-rank percentiles over runs that have one. */
export interface ComplianceDistribution {
  /** Runs with a compliance. */
  count: number;
  min: number | null;
  median: number | null;
  p90: number | null;
  max: number | null;
}

/** One group of a summary. */
export interface SummaryGroup {
  /** The template, mode, status, day, week or month; `all` without grouping; null for runs without one. */
  key: string | null;
  runs: number;
  /** Runs per status: completed, failed, running, and `other` (any other or none). */
  byStatus: { completed: number; failed: number; running: number; other: number };
  /** Cost summed (a run without one counts 0). */
  costUsd: number;
  tokens: number;
  llmCalls: number;
  /** Runs whose token-budget compliance is above 1. */
  overBudget: number;
  compliance: ComplianceDistribution;
  /** Entities per fidelity level (lower-case), summed over the runs' distributions. */
  fidelity: Record<string, number>;
}

/** A summary: its groups and the totals over them. */
export interface RunSummary {
  by: SummaryGrouping;
  /** Largest first (ties by key) — or, for days, weeks and months, in time order. */
  groups: SummaryGroup[];
  /** Every selected run as one group (`key` `all`). */
  totals: SummaryGroup;
}

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const orNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

/**
 * Summarize `f`'s runs by `key`: one {@link SummaryGroup} per key value, with
 * each group's compliance percentiles when `ranked`.
 */
async function summarizeBy(
  f: CompiledFilter,
  key: BoundSql,
  shape: IndexedShape,
  ranked: boolean,
): Promise<SummaryGroup[]> {
  const groups = new Map<string | null, SummaryGroup>();
  const totals = await groupTotals(f, key, shape);
  for (const row of totals) {
    const runs = num(row.runs);
    const known = RUN_STATUSES.reduce((sum, s) => sum + num(row[s]), 0);
    groups.set(keyText(row), {
      key: keyText(row),
      runs,
      byStatus: {
        completed: num(row.completed),
        failed: num(row.failed),
        running: num(row.running),
        other: runs - known,
      },
      costUsd: money(num(row.cost)),
      tokens: num(row.tokens),
      llmCalls: num(row.calls),
      overBudget: num(row.over),
      compliance: {
        count: num(row.cn),
        min: orNull(row.cmin),
        median: null,
        p90: null,
        max: orNull(row.cmax),
      },
      fidelity: Object.fromEntries(
        RESOLUTION_LEVELS.filter((level) => row[`level_${level}`] != null).map((level) => [
          level,
          num(row[`level_${level}`]),
        ]),
      ),
    });
  }
  for (const ranks of ranked ? await groupRanks(f, key, shape, totals) : []) {
    const group = groups.get(ranks.key);
    if (group) Object.assign(group.compliance, { median: ranks.median, p90: ranks.p90 });
  }
  return [...groups.values()];
}

/** Categories largest first (ties by key, runs without a key last); times in time order. */
function ordered(groups: SummaryGroup[], by: SummaryGrouping): SummaryGroup[] {
  const byKey = (a: SummaryGroup, b: SummaryGroup) => compareKeys(a.key, b.key);
  return groups.sort(isTimeGrouping(by) ? byKey : (a, b) => b.runs - a.runs || byKey(a, b));
}

/**
 * Summarize the runs `options` selects, grouped by `options.by` (default
 * `template`). The totals are a group of their own over every selected run.
 *
 * @example
 * ```ts
 * const { groups, totals } = await summarizeRuns(manager, { by: 'month', status: 'completed' });
 * ```
 */
export async function summarizeRuns(
  manager: Pick<MetadataManager, 'runsView'>,
  options: SummarizeOptions = {},
): Promise<RunSummary> {
  const { options: o, filter } = await compileFilter(manager, options, SummarizeSchema, 'options');
  const by: SummaryGrouping = o.by ?? 'template';
  const dialect = filter.view.db.dialect;
  const key = groupKey(by, filter.view.columns, dialect);
  const shape = await indexedShape(filter, by);
  const groups = ordered(await summarizeBy(filter, key, shape, by !== 'none'), by);
  // Sums, counts and extremes add up over the groups (over all runs, the one
  // group is the totals); the percentiles are two ordered reads (an index range
  // where the compliance index serves).
  const totals =
    by === 'none' ? (groups[0] ?? emptyGroup()) : groups.reduce(addGroup, emptyGroup());
  const n = totals.compliance.count;
  totals.compliance.median = await complianceAt(filter, medianRank(n));
  totals.compliance.p90 = await complianceAt(filter, p90Rank(n));
  return { by, groups, totals };
}

/** `group` added into `total` (the compliance percentiles excepted). */
function addGroup(total: SummaryGroup, group: SummaryGroup): SummaryGroup {
  total.runs += group.runs;
  for (const s of ['completed', 'failed', 'running', 'other'] as const)
    total.byStatus[s] += group.byStatus[s];
  total.costUsd = money(total.costUsd + group.costUsd);
  total.tokens += group.tokens;
  total.llmCalls += group.llmCalls;
  total.overBudget += group.overBudget;
  const c = total.compliance;
  const g = group.compliance;
  c.count += g.count;
  if (g.min !== null && (c.min === null || g.min < c.min)) c.min = g.min;
  if (g.max !== null && (c.max === null || g.max > c.max)) c.max = g.max;
  for (const [level, n] of Object.entries(group.fidelity))
    total.fidelity[level] = (total.fidelity[level] ?? 0) + n;
  return total;
}

/** The totals of no runs. */
function emptyGroup(): SummaryGroup {
  return {
    key: 'all',
    runs: 0,
    byStatus: { completed: 0, failed: 0, running: 0, other: 0 },
    costUsd: 0,
    tokens: 0,
    llmCalls: 0,
    overBudget: 0,
    compliance: { count: 0, min: null, median: null, p90: null, max: null },
    fidelity: {},
  };
}
