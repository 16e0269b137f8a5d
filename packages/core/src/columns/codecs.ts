/**
 * Column codecs: how one stored SQL value decodes to a field (leniently, flagging odd values) and how a field encodes back.
 *
 * @packageDocumentation
 */
import type { EnumKind } from '../schema/enums.js';
import { readEnum } from '../schema/enums.js';
import type { ReadIssue } from '../schema/read-issue.js';
import type { SqlValue } from '../sql/values.js';

/** The outcome of decoding one stored value. */
export interface Decoded<T> {
  value: T | null;
  issue?: ReadIssue['kind'];
}

/**
 * Maps one column between its SQLite value and its SDK value. Decoding is lenient
 * (reads never fail; odd values are flagged); encoding receives values that were
 * already validated by the column's zod schema.
 */
export interface Codec<T> {
  /**
   * Optional fast path for reads: true when `raw` is already the SDK value (a
   * string for text, a number for numbers), so decoding can skip allocating a
   * {@link Decoded}. Reading 100k runs × 27 columns makes this matter.
   */
  isPlain?(raw: SqlValue): boolean;
  decode(raw: SqlValue): Decoded<T>;
  encode(value: T | null | undefined): SqlValue;
}

const ok = <T = never>(value: T | null): Decoded<T> => ({ value });
const none: Decoded<never> = { value: null };

export const textCodec: Codec<string> = {
  isPlain: (raw) => typeof raw === 'string',
  decode: (raw) =>
    ok(raw === null || raw === undefined ? null : typeof raw === 'string' ? raw : String(raw)),
  encode: (value) => value ?? null,
};

function numberCodec(integer: boolean): Codec<number> {
  return {
    isPlain: (raw) => typeof raw === 'number',
    decode(raw) {
      if (raw === null || raw === undefined) return none;
      if (typeof raw === 'number') return ok(raw);
      if (typeof raw === 'bigint') return ok(Number(raw));
      if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) {
        return ok(Number(raw));
      }
      return { value: null, issue: 'invalid_type' };
    },
    encode: (value) =>
      value === null || value === undefined ? null : integer ? Math.trunc(value) : value,
  };
}
export const integerCodec = numberCodec(true);
export const realCodec = numberCodec(false);

/** SQLite has no boolean: the earlier tool stored 0/1 in `BOOLEAN` columns. */
export const booleanCodec: Codec<boolean> = {
  decode(raw) {
    if (raw === null || raw === undefined) return none;
    if (raw === 1 || raw === 0 || raw === 1n || raw === 0n) return ok(Number(raw) === 1);
    if (typeof raw === 'string' && /^(true|false|1|0)$/i.test(raw))
      return ok(/^(true|1)$/i.test(raw));
    return { value: null, issue: 'invalid_type' };
  },
  encode: (value) => (value === null || value === undefined ? null : value ? 1 : 0),
};

/** JSON text, optionally mapped after parsing and before stringifying. */
export function jsonCodec<T>(
  map: { fromJson?: (json: unknown) => T | null; toJson?: (value: T) => unknown } = {},
): Codec<T> {
  return {
    decode(raw) {
      if (raw === null || raw === undefined || raw === '') return none;
      if (typeof raw !== 'string') return { value: null, issue: 'invalid_json' };
      try {
        const parsed: unknown = JSON.parse(raw);
        const value = map.fromJson ? map.fromJson(parsed) : (parsed as T);
        return value === null && parsed !== null ? { value, issue: 'invalid_json' } : ok(value);
      } catch {
        return { value: null, issue: 'invalid_json' };
      }
    },
    encode: (value) =>
      value === null || value === undefined
        ? null
        : JSON.stringify(map.toJson ? map.toJson(value) : value),
  };
}

/** Text holding an enum value: known values are case-folded, unknown ones kept and flagged. */
export function enumCodec(kind: EnumKind): Codec<string> {
  return {
    decode(raw) {
      if (raw === null || raw === undefined) return none;
      const { value, known } = readEnum(kind, String(raw));
      return known ? ok(value) : { value, issue: 'unknown_enum' };
    },
    encode: (value) => value ?? null,
  };
}
