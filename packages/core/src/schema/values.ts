/**
 * The shared value schemas of writes: counts, non-negative numbers, years, text, times, mechanism ids and JSON.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { timeInputProblem } from './time.js';

/**
 * Shared strict value schemas for writes. zod 4's `z.number()` already rejects NaN
 * and ±Infinity, so every number written is finite.
 */
export const Count = z
  .number()
  .check(z.int('must be a whole number'), z.nonnegative('must not be negative'));
export const NonNegative = z.number().check(z.nonnegative('must not be negative'));
export const Year = z.number().check(z.int('must be a whole number'));
export const NonEmptyText = z.string().check(z.minLength(1, 'must not be empty'));
/**
 * ISO-8601 time text (see `schema/time.ts`): a real calendar date, optionally a
 * time with a zone. Zone-less forms (as the earlier tool wrote them) are
 * accepted and mean UTC; an offset written `+0200` is stored as `+02:00`, the
 * form every backend reads.
 */
export const Timestamp = z.pipe(
  z.string().check(
    z.superRefine((text, ctx) => {
      const problem = timeInputProblem(text);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: text });
    }),
  ),
  z.transform((text) => text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')),
);
/** A mechanism id: `M1`..`M17`, later ones, and combined forms such as `M1+M17`. */
export const MechanismId = z.pipe(
  z.string().check(z.regex(/^M\d+(\+M\d+)*$/i, { message: 'must look like M1, M17 or M1+M17' })),
  z.transform((value) => value.toUpperCase()),
);

/** A JSON-serialisable value. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };
/** Deepest nesting of a JSON value runmeta takes. */
export const MAX_JSON_DEPTH = 64;
/**
 * Most values (every item, key's value and nested value counted) of a JSON value
 * runmeta takes. An object can hold the same object twice: 60 levels of that are
 * 2^60 values once written out, which no check (nor `JSON.stringify`) could
 * walk; such a value is refused instead of hanging.
 */
export const MAX_JSON_VALUES = 1_000_000;

/**
 * Whether a value is plain JSON: finite numbers, arrays and plain objects, at
 * most {@link MAX_JSON_DEPTH} deep and {@link MAX_JSON_VALUES} values as written
 * out (so no cycles, and no sharing that would blow up when serialised).
 */
export function isJsonValue(value: unknown): value is JsonValue {
  let budget = MAX_JSON_VALUES;
  const check = (item: unknown, depth: number): boolean => {
    if (--budget < 0) return false;
    if (item === null || typeof item === 'string' || typeof item === 'boolean') return true;
    if (typeof item === 'number') return Number.isFinite(item);
    if (depth > MAX_JSON_DEPTH || typeof item !== 'object') return false;
    if (Array.isArray(item)) return item.every((child) => check(child, depth + 1));
    const proto = Object.getPrototypeOf(item);
    if (proto !== Object.prototype && proto !== null) return false;
    return Object.values(item).every((child) => check(child, depth + 1));
  };
  return check(value, 0);
}

/**
 * A JSON value. Checked by a plain recursive function rather than a recursive zod
 * schema: mechanism contexts are validated on every event, and this is ~10× faster.
 */
export const JsonValue = z.custom<JsonValue>((value) => isJsonValue(value), {
  message: `must be plain JSON (strings, finite numbers, booleans, null, arrays, plain objects; at most ${MAX_JSON_DEPTH} deep and ${MAX_JSON_VALUES} values)`,
});

/**
 * A JSON object (a mechanism's context): a plain object whose values are JSON.
 * One check of the whole object instead of a zod record (which validates and
 * copies key by key): mechanism events are the most frequent write.
 */
export const JsonObject = z.custom<{ [key: string]: JsonValue }>(
  (value) =>
    typeof value === 'object' && value !== null && !Array.isArray(value) && isJsonValue(value),
  {
    message: `must be a plain JSON object (string keys; strings, finite numbers, booleans, null, arrays, objects; at most ${MAX_JSON_DEPTH} deep and ${MAX_JSON_VALUES} values)`,
  },
);

/** The current time as ISO-8601 text with a zone. */
export function nowIso(): string {
  return new Date().toISOString();
}
