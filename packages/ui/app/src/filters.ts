/**
 * The run filter every page shares, as it lives in the URL: `?where=…&status=…&
 * template=…&mode=…&since=…&until=…&archive=1`. Read once here, so the runs
 * list and the overview select the same runs from the same link.
 */
import type { RunQueryFilter } from '@runmeta/core';
import type { LocationQuery } from 'vue-router';
import { textParam } from './format.js';

/** The URL names of the filter, in the order the bar shows them. */
export const FILTER_PARAMS = ['where', 'status', 'template', 'mode', 'since', 'until', 'archive'];

/**
 * The URL name of each option the pages pass whose SDK name differs
 * (`templateId` is `?template=`), as {@link filterOf} and the run list's
 * paging read them; an error about an option is told by this name.
 */
export const PARAM_OF_FIELD: Readonly<Record<string, string>> = {
  templateId: 'template',
  causalMode: 'mode',
  includeArchive: 'archive',
  cursor: 'after',
};

/**
 * `until` as the filter takes it: a day from the date picker includes that day
 * (core's `until` is an exclusive instant, so the day after it is passed); a
 * time typed by hand is passed as it is.
 */
function untilOf(value: string | undefined): string | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const next = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(next.getTime())) return value; // core names the bad date
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

/** The filter a URL's query selects (core validates it: a bad value is a typed error shown on the page). */
export function filterOf(query: LocationQuery): RunQueryFilter {
  return {
    where: textParam(query.where),
    status: textParam(query.status) as RunQueryFilter['status'],
    templateId: textParam(query.template),
    causalMode: textParam(query.mode) as RunQueryFilter['causalMode'],
    since: textParam(query.since),
    until: untilOf(textParam(query.until)),
    includeArchive: query.archive === '1' || undefined,
  };
}

/** `query` with `changes` applied, empty values dropped (the URL keeps only what is set). */
export function withChanges(
  query: LocationQuery,
  changes: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const next: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries({ ...query, ...changes })) {
    if (v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0)) {
      next[k] = v as string | string[];
    }
  }
  return next;
}
