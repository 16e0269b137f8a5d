/**
 * Times as runmeta compares them. Run databases hold ISO-8601 text written by
 * different tools: `2025-10-29T12:33:54.753120` (the earlier tool: no zone),
 * `2025-11-01 12:00:45` (a space), `2026-01-05T09:12:01.123Z` (runmeta itself),
 * `2025-11-01T14:00:00+02:00` (an offset). Compared as strings they disagree
 * (`' ' < 'T'`, `+02:00` ignored), so every comparison and every ordering by time
 * goes through one *time key*: the instant in UTC as `YYYY-MM-DDTHH:MM:SS[.f]`,
 * fraction digits kept exactly (microseconds survive) with trailing zeros
 * dropped. Equal keys are equal instants and keys sort as the instants do.
 *
 * **A stored time without a zone is UTC.** The key is computed in SQL by the
 * dialect (`SqlDialect.timeKey`, so filters and ordering run in the database)
 * and in TypeScript by {@link timeKey} (for merging results of two databases);
 * the conformance suite checks that both agree.
 *
 * @packageDocumentation
 */
import { ValidationError } from '../errors.js';
import { previewValue } from './validate.js';

/**
 * The stored-time grammar every backend recognises: a date, optionally a time
 * (`T` or a space; minutes, optional seconds and fraction), and with a time an
 * optional zone (`Z` or `±HH:MM`, at most 14 hours as SQLite allows). Anything
 * else has no time key (it matches no time filter and sorts first).
 */
export const STORED_TIME_PATTERN =
  /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?:[T ]([01]\d|2[0-4]):([0-5]\d)(?::([0-5]\d)(?:\.(\d+))?)?(Z|[+-](?:0\d|1[0-4]):[0-5]\d)?)?$/;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Trailing zeros of a fraction dropped: `.500` → `.5`, `.000` → ``. */
function fraction(digits: string | undefined): string {
  const trimmed = (digits ?? '').replace(/0+$/, '');
  return trimmed ? `.${trimmed}` : '';
}

/**
 * The time key of a stored value (see the module docs), or null when the value
 * is not a time runmeta recognises. Days are not checked against their month
 * (`2025-02-30` keeps its text, as SQL does); input is checked by {@link parseTimeInput}.
 */
export function timeKey(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = STORED_TIME_PATTERN.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, f, zone] = m;
  const seconds = `:${s ?? '00'}${fraction(f)}`;
  if (h === undefined) return `${y}-${mo}-${d}T00:00${seconds}`;
  if (!zone || zone === 'Z') return `${y}-${mo}-${d}T${h}:${mi}${seconds}`;
  // Shift by the offset at minute precision: seconds and fraction never change.
  const sign = zone[0] === '-' ? -1 : 1;
  const offset = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi) - offset, 0, 0);
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) return null;
  return `${pad(year, 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(
    date.getUTCHours(),
  )}:${pad(date.getUTCMinutes())}${seconds}`;
}

/** Days in a month of a (proleptic Gregorian) year. */
function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** What was wrong with a time given as input, or null when it is fine. */
export function timeInputProblem(text: string): string | null {
  if (typeof text !== 'string') {
    throw new ValidationError('time', `must be ISO-8601 text, got ${previewValue(text)}`, {
      operation: 'read',
    });
  }
  // `+0200` is accepted in input and read as `+02:00`.
  const normalised = text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const m = STORED_TIME_PATTERN.exec(normalised);
  const loose = /^\d{4}-(\d{2})-(\d{2})/.exec(normalised);
  if (loose && (Number(loose[1]) < 1 || Number(loose[1]) > 12))
    return `there is no month ${loose[1]}`;
  if (loose && (Number(loose[2]) < 1 || Number(loose[2]) > 31))
    return `there is no day ${loose[2]}`;
  if (!m) {
    return 'must be an ISO-8601 time such as 2025-11-01, 2025-11-01T12:00:00, 2025-11-01 12:00:00.5 or 2025-11-01T14:00:00+02:00';
  }
  const [, y, mo, d, h] = m;
  if (Number(d) > daysIn(Number(y), Number(mo))) return `${y}-${mo} has no day ${d}`;
  if (h === '24') return 'the hour must be 00 to 23';
  return null;
}

/**
 * Check a time given as input (a filter's `since`, a `--where` value, a
 * timestamp to write) and return its time key. Throws a `ValidationError` for
 * `time` whose message says what is wrong (callers that know the field check
 * with {@link timeInputProblem} first and name it).
 */
export function parseTimeInput(text: string): string {
  const problem = timeInputProblem(text);
  if (problem) throw new ValidationError('time', problem, { operation: 'read' });
  return timeKey(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))!;
}
