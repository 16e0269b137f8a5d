/**
 * Errors in the dashboard's words. Core and the JSON API name what was wrong
 * as the SDK does (`Invalid options.sort`, `getAllRuns({ includeArchive: true })`);
 * a reader of these pages set it with the filter bar, a column heading or the
 * address, and is told what to do there.
 */
import { ApiError } from '../../src/api/http-client.js';
import { FILTER_PARAMS, PARAM_OF_FIELD } from './filters.js';

/** An error as a page shows it. */
export interface PageError {
  problem: string;
  hint: string | null;
}

/**
 * How the pages name the URL parameters that are not in the filter bar, and
 * what to do about a bad one.
 */
const ADDRESS_WORDS: Record<string, { name: string; hint: string }> = {
  sort: {
    name: 'sort (sort= in the address)',
    hint: "Click a column's heading to sort by it, or remove sort= from the address",
  },
  after: {
    name: 'page (after= in the address)',
    hint: 'Start again from the first page: remove after= from the address',
  },
  by: {
    name: 'period (by= in the address)',
    hint: 'Choose day, week or month',
  },
};

/** What went wrong and what to do, from an error of either API (HTTP or in the page). */
function partsOf(error: unknown): {
  name: string;
  problem: string;
  hint: string | null;
  field: string | null;
} {
  if (error instanceof ApiError) {
    return {
      name: error.name === 'ApiError' ? error.code : error.name,
      problem: error.problem,
      hint: error.hint,
      field: error.field,
    };
  }
  // In the page (the docs playground) core's own errors arrive: duck-typed, so
  // the page bundle does not take in core's error classes.
  const e = (error ?? {}) as {
    name?: unknown;
    problem?: unknown;
    hint?: unknown;
    field?: unknown;
    message?: unknown;
  };
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    name: text(e.name) ?? 'Error',
    problem: text(e.problem) ?? text(e.message) ?? String(error),
    hint: text(e.hint),
    field: text(e.field),
  };
}

/**
 * `error` as the pages say it: a rejected option is named by the filter bar's
 * label or the address parameter that set it (`options.since` and
 * `filter.since` are both the bar's `since`), a missing run is looked for in
 * the run list rather than with an SDK call.
 */
export function inPageWords(error: unknown): PageError {
  const parts = partsOf(error);
  const bare = parts.problem.replace(/^Invalid [^:]+: /, '');
  const field = parts.field?.replace(/^(?:options|filter)\./, '');
  const param = field === undefined ? undefined : (PARAM_OF_FIELD[field] ?? field);
  if (param !== undefined && ADDRESS_WORDS[param]) {
    const words = ADDRESS_WORDS[param];
    return { problem: `Invalid ${words.name}: ${bare}`, hint: words.hint };
  }
  if (param !== undefined && FILTER_PARAMS.includes(param)) {
    // The where box's hint shows the filter with a caret under the fault: kept.
    const hint = param === 'where' ? parts.hint : `Fix ${param} in the filter bar`;
    return { problem: `Invalid ${param}: ${bare}`, hint };
  }
  if (parts.name === 'RunNotFoundError' || parts.name === 'RUNMETA_RUN_NOT_FOUND') {
    return {
      problem: parts.problem,
      hint: 'Look for it in the run list (tick archive there to search the archive too)',
    };
  }
  return { problem: parts.problem, hint: parts.hint };
}
