/**
 * A time axis without holes: the periods between the first and the last one
 * with runs, the empty ones included, so a quiet week looks quiet instead of
 * vanishing from the chart. Periods are UTC days and Monday-started weeks
 * (`YYYY-MM-DD`) or months (`YYYY-MM`), as core's `runActivity` names them.
 */
import type { ActivityPeriodKind } from '@runmeta/core';

/** More periods than this are shown as they come (a stray 1970 would add 20,000 empty days). */
const MOST_FILLED = 1000;

/** The period after `period`. */
function next(period: string, by: ActivityPeriodKind): string {
  if (by === 'month') {
    const [y, m] = period.split('-').map(Number) as [number, number];
    return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  }
  const day = new Date(`${period}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + (by === 'week' ? 7 : 1));
  return day.toISOString().slice(0, 10);
}

/**
 * Every period from the first to the last of `periods` (sorted, null last), in
 * order; those without runs are missing from `periods` and get `empty`.
 */
export function fillPeriods<T extends { period: string | null }>(
  periods: readonly T[],
  by: ActivityPeriodKind,
  empty: (period: string) => T,
): T[] {
  const dated = periods.filter((p) => p.period !== null);
  const undated = periods.filter((p) => p.period === null);
  if (dated.length < 2) return [...periods];
  const known = new Map(dated.map((p) => [p.period!, p]));
  const last = dated.at(-1)!.period!;
  const filled: T[] = [];
  for (let at = dated[0]!.period!; at <= last; at = next(at, by)) {
    if (filled.length > MOST_FILLED) return [...periods];
    filled.push(known.get(at) ?? empty(at));
  }
  // A period the steps did not land on (not a Monday, say) means this is not our axis: keep it as given.
  return filled.length >= dated.length && dated.every((p) => filled.includes(p))
    ? [...filled, ...undated]
    : [...periods];
}
