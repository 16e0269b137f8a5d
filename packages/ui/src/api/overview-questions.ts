/**
 * The questions the overview page asks, declared once: the page asks them for
 * its filter and period, and `runmeta ui` asks them for no filter when it
 * starts, so the first visit to `/overview` finds its answers kept
 * (`cacheAnswers`). Ordered as the page asks them, the quickest and most read
 * first.
 *
 * @packageDocumentation
 */
import type {
  ActivityPeriodKind,
  MechanismCoverage,
  RunActivity,
  RunHistogram,
  RunQueryFilter,
  RunSummary,
} from '@runmeta/core';
import type { RunsApi } from './runs-api.js';

/** The compliance histogram's bins. */
const OVERVIEW_BINS = 20;
/**
 * Where the compliance bins end: three times the budget. Runs past it (a
 * misrecorded budget gives 158) are one bar of their own, so they do not
 * squeeze every other run into the first bin.
 */
export const COMPLIANCE_UP_TO = 3;

/** The period the overview shows activity by when the URL names none. */
export const DEFAULT_OVERVIEW_PERIOD: ActivityPeriodKind = 'day';

/**
 * The filter without the archive: coverage reads mechanism rows in the active
 * database only, so the archive neither changes its answer nor its question.
 */
export function activeOnly(filter: RunQueryFilter): Omit<RunQueryFilter, 'includeArchive'> {
  const { includeArchive: _archive, ...active } = filter;
  return active;
}

/** Each of the overview's panels as a question to a {@link RunsApi}. */
export interface OverviewQuestions {
  /** Key figures, fidelity mix and top templates: totals per template. */
  summary(api: RunsApi): Promise<RunSummary>;
  /** Runs per compliance bin. */
  histogram(api: RunsApi): Promise<RunHistogram>;
  /** Runs and cost per period, per status. */
  activity(api: RunsApi): Promise<RunActivity>;
  /** Template × mechanism (mechanism rows are read in the active database only: no archive). */
  coverage(api: RunsApi): Promise<MechanismCoverage>;
}

/** The overview's questions for `filter`, with activity per `by`. */
export function overviewQuestions(
  filter: RunQueryFilter,
  by: ActivityPeriodKind = DEFAULT_OVERVIEW_PERIOD,
): OverviewQuestions {
  return {
    summary: (api) => api.summarize({ ...filter, by: 'template' }),
    histogram: (api) =>
      api.histogram({
        ...filter,
        field: 'compliance',
        bins: OVERVIEW_BINS,
        upTo: COMPLIANCE_UP_TO,
      }),
    activity: (api) => api.activity({ ...filter, by }),
    coverage: (api) => api.coverage(activeOnly(filter)),
  };
}
