import { z } from 'zod';

/**
 * Shared strict value schemas for writes. zod 4's `z.number()` already rejects NaN
 * and ±Infinity, so every number written is finite.
 */
export const Count = z.number().int('must be a whole number').nonnegative('must not be negative');
export const NonNegative = z.number().nonnegative('must not be negative');
export const Year = z.number().int('must be a whole number');
export const NonEmptyText = z.string().min(1, 'must not be empty');
/** ISO-8601 timestamp text; zone-less forms (as the earlier tool wrote) are accepted. */
export const Timestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/, {
    message: 'must be an ISO-8601 timestamp such as 2025-10-29T12:33:54.753120',
  });
/** A mechanism id: `M1`..`M17`, later ones, and combined forms such as `M1+M17`. */
export const MechanismId = z
  .string()
  .regex(/^M\d+(\+M\d+)*$/i, { message: 'must look like M1, M17 or M1+M17' })
  .transform((value) => value.toUpperCase());

/** A JSON-serialisable value. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };
export const JsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(JsonValue),
    z.record(z.string(), JsonValue),
  ]),
);

/** The current time as ISO-8601 text with a zone. */
export function nowIso(): string {
  return new Date().toISOString();
}
