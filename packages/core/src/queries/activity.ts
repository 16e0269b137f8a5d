/**
 * Activity over time (the dashboard's overview): per day, week or month of
 * creation and per status, how many runs started and what they cost. One
 * grouped statement over the runs the filter selects; memory holds one row per
 * period and status, whatever the number of runs. Lighter than a summary by
 * day (`summarize.ts`): no fidelity JSON and no percentiles are read.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import type { MetadataManager } from '../manager/metadata-manager.js';
import { RUN_STATUSES } from '../schema/enum-values.js';
import { compileFilter, RunQueryFilterSchema, whereSql } from './run-query.js';
import { compareKeys, money } from './summary-format.js';
import {
  columnOrNull,
  foldedEnum,
  groupKey,
  isTimeGrouping,
  SUMMARY_GROUPING_NAMES,
  type TimeGrouping,
} from './summary-groups.js';

/** The periods activity is counted in: a summary's time groupings. */
export const ACTIVITY_PERIODS = SUMMARY_GROUPING_NAMES.filter(isTimeGrouping);

/** A period of {@link runActivity}. */
export type ActivityPeriodKind = TimeGrouping;

const ActivitySchema = z.extend(RunQueryFilterSchema, {
  /** What each point covers (default `day`). */
  by: z.optional(z.enum(ACTIVITY_PERIODS as [TimeGrouping, ...TimeGrouping[]])),
});

/** What {@link runActivity} takes: a period and the filter of the runs. */
export type ActivityOptions = z.input<typeof ActivitySchema>;

/** The statuses activity tells apart; `other` is any other status, or none. */
export type ActivityStatus = (typeof RUN_STATUSES)[number] | 'other';

/** Runs of one status in one period, and their cost. */
export interface ActivityCell {
  runs: number;
  /** Cost summed (a run without one counts 0). */
  costUsd: number;
}

/** One period: its runs and cost, in total and per status. */
export interface ActivityPeriod {
  /** `YYYY-MM-DD` (a week by its Monday) or `YYYY-MM`, UTC; null for runs without a readable creation time. */
  period: string | null;
  runs: number;
  costUsd: number;
  byStatus: Record<ActivityStatus, ActivityCell>;
}

/** What {@link runActivity} returns: the periods with runs, in time order (null last). */
export interface RunActivity {
  by: ActivityPeriodKind;
  periods: ActivityPeriod[];
}

const emptyCells = (): Record<ActivityStatus, ActivityCell> =>
  Object.fromEntries([...RUN_STATUSES, 'other'].map((s) => [s, { runs: 0, costUsd: 0 }])) as Record<
    ActivityStatus,
    ActivityCell
  >;

/**
 * Runs and cost per period of creation and per status, over the runs `options`
 * selects (the filters of a run list, meaning the same runs). Periods are of
 * the creation *instant* in UTC, as the time filters and `summarizeRuns` count
 * them; only periods with runs are listed.
 *
 * @example
 * ```ts
 * const { periods } = await runActivity(manager, { by: 'week', since: '2025-01-01' });
 * ```
 */
export async function runActivity(
  manager: Pick<MetadataManager, 'runsView'>,
  options: ActivityOptions = {},
): Promise<RunActivity> {
  const { options: o, filter: f } = await compileFilter(
    manager,
    options,
    ActivitySchema,
    'options',
  );
  const by = o.by ?? 'day';
  const cols = f.view.columns;
  const key = groupKey(by, cols, f.view.db.dialect);
  // Grouped by the stored status first (a handful of spellings), then folded as
  // reads decode it: the fold runs once per group rather than once per run.
  const stored = cols.includes('status') ? '"status"' : 'NULL';
  const status = foldedEnum('status', ['status'], RUN_STATUSES);
  const inner = `SELECT ${key.sql} AS "k", ${stored} AS "status", count(*) AS "n", sum(${columnOrNull('cost_usd', cols)}) AS "cost" FROM ${f.view.from}${whereSql(f.conditions)} GROUP BY 1, 2`;
  const rows = await f.all(
    `SELECT "k", "s", sum("n") AS "n", sum("cost") AS "cost" FROM (SELECT "k", ${status.sql} AS "s", "n", "cost" FROM (${inner}) AS "g") AS "f" GROUP BY "k", "s"`,
    [...status.params, ...key.params, ...f.params],
  );
  const periods = new Map<string | null, ActivityPeriod>();
  for (const row of rows) {
    const period = row.k === null || row.k === undefined ? null : String(row.k);
    const entry = periods.get(period) ?? { period, runs: 0, costUsd: 0, byStatus: emptyCells() };
    const s = (RUN_STATUSES as readonly unknown[]).includes(row.s)
      ? (row.s as ActivityStatus)
      : 'other';
    const runs = Number(row.n);
    const cost = row.cost === null || row.cost === undefined ? 0 : Number(row.cost);
    entry.runs += runs;
    entry.costUsd = money(entry.costUsd + cost);
    entry.byStatus[s].runs += runs;
    entry.byStatus[s].costUsd = money(entry.byStatus[s].costUsd + cost);
    periods.set(period, entry);
  }
  return { by, periods: [...periods.values()].sort((a, b) => compareKeys(a.period, b.period)) };
}
