/**
 * Aggregating runs for reports: per-group counts, cost, tokens, budget overruns
 * and fidelity totals (`runmeta report`, the demo, the docs playground's charts).
 * Pure functions over decoded runs.
 *
 * @packageDocumentation
 */
import type { RunMetadata } from '../columns/run-record.js';

/** What a report groups runs by. */
export type ReportBy = 'template' | 'mode' | 'status';

/** One group of a report: the runs sharing a template, mode or status. */
export interface ReportGroup {
  /** The template id, causal mode or status; `—` for runs without one. */
  key: string;
  runs: number;
  completed: number;
  failed: number;
  running: number;
  /** Cost summed over the group's runs (a run without one counts 0). */
  costUsd: number;
  /** Tokens used, summed (a run without a count counts 0). */
  tokens: number;
  /** Runs whose token-budget compliance is above 1. */
  overBudget: number;
  /** Entities per fidelity level, summed over the runs' distributions. */
  fidelity: Record<string, number>;
}

/** The totals of a report, over all its groups. */
export interface ReportTotals {
  runs: number;
  costUsd: number;
  tokens: number;
  overBudget: number;
  fidelity: Record<string, number>;
}

/** Add a distribution's counts into `into` (levels keep their first-seen order). */
function addCounts(into: Record<string, number>, counts: Record<string, number>): void {
  for (const [level, n] of Object.entries(counts)) into[level] = (into[level] ?? 0) + n;
}

/**
 * Group runs by template, mode or status and total each group; groups with the
 * most runs first, ties by key.
 */
export function aggregateRuns(runs: readonly RunMetadata[], by: ReportBy): ReportGroup[] {
  const groups = new Map<string, ReportGroup>();
  for (const run of runs) {
    const key = String(
      (by === 'template' ? run.templateId : by === 'mode' ? run.causalMode : run.status) ?? '—',
    );
    const g = groups.get(key) ?? {
      key,
      runs: 0,
      completed: 0,
      failed: 0,
      running: 0,
      costUsd: 0,
      tokens: 0,
      overBudget: 0,
      fidelity: {},
    };
    g.runs++;
    if (run.status === 'completed' || run.status === 'failed' || run.status === 'running') {
      g[run.status as 'completed' | 'failed' | 'running']++;
    }
    g.costUsd += run.costUsd ?? 0;
    g.tokens += run.tokensUsed ?? 0;
    if ((run.tokenBudgetCompliance ?? 0) > 1) g.overBudget++;
    addCounts(g.fidelity, run.fidelityDistribution ?? {});
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => b.runs - a.runs || a.key.localeCompare(b.key));
}

/** The totals of a report's groups (fidelity levels in the order the groups name them). */
export function reportTotals(groups: readonly ReportGroup[]): ReportTotals {
  const total: ReportTotals = { runs: 0, costUsd: 0, tokens: 0, overBudget: 0, fidelity: {} };
  for (const g of groups) {
    total.runs += g.runs;
    total.costUsd += g.costUsd;
    total.tokens += g.tokens;
    total.overBudget += g.overBudget;
    addCounts(total.fidelity, g.fidelity);
  }
  return total;
}

/**
 * Entities per fidelity level, summed over the runs that have a distribution
 * (levels in the order the runs name them; sort them with `sortedDistribution`).
 */
export function fidelityTotals(runs: readonly RunMetadata[]): Record<string, number> {
  // A map, then an object: a level named like an Object member (`__proto__`) stays a level.
  const totals = new Map<string, number>();
  for (const run of runs) {
    for (const [level, count] of Object.entries(run.fidelityDistribution ?? {})) {
      totals.set(level, (totals.get(level) ?? 0) + Number(count));
    }
  }
  return Object.fromEntries(totals);
}

/**
 * A numeric field summed per template, largest first (ties in the order the
 * templates first appear); runs without a template are summed under `missing`.
 */
export function totalsPerTemplate(
  runs: readonly RunMetadata[],
  field: 'costUsd' | 'tokensUsed',
  missing = '(none)',
): [template: string, total: number][] {
  const totals = new Map<string, number>();
  for (const run of runs) {
    const key = run.templateId ?? missing;
    totals.set(key, (totals.get(key) ?? 0) + (run[field] ?? 0));
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}
