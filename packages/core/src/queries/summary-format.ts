/**
 * How summaries present numbers and order their keys, shared by the questions
 * that group runs (`summarize.ts`, `activity.ts`, `histogram.ts`).
 *
 * @packageDocumentation
 */

/**
 * A sum of money (or any floating-point total) to 12 significant digits:
 * engines add floating-point values in their own order, and differ in the last
 * bits (112.7912718 on SQLite, 112.79127179999999 on PostgreSQL); rounded,
 * every backend gives one answer.
 */
export const money = (value: number): number => Number(value.toPrecision(12));

/** Group keys in ascending text order, null (runs without a key) last. */
export const compareKeys = (a: string | null, b: string | null): number =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1;
