/**
 * An enum column's filter over the values it stores. Reads fold an enum
 * (`lower(trim(status))`), so a filter compares that fold; when the few values a
 * table stores are known with their folds (see `queries/stored-values.ts`), the
 * same filter is the stored values whose fold matches — `status IN (?, ?)` —
 * which an index on the column answers.
 *
 * @packageDocumentation
 */
import { quoteIdent } from '../sql/quote.js';
import type { SqlValue } from '../sql/values.js';

/** Per enum column (SQL name): every distinct non-null value stored, with its fold as SQL computes it. */
export type FoldedValues = Readonly<
  Record<string, readonly { readonly stored: SqlValue; readonly folded: SqlValue }[]>
>;

/**
 * The condition "the fold of `column` is one of `wanted`" as a test of the
 * stored value, or null when it cannot be (values not known, or a non-text
 * value compared). It is the fold's condition exactly, NULL included: a NULL
 * stored value gives NULL either way, so `NOT` of it matches nothing too.
 */
export function storedValuesCondition(
  column: string,
  wanted: readonly SqlValue[],
  folded: FoldedValues | undefined,
  params: SqlValue[],
): string | null {
  const values = folded?.[column];
  if (!values || !wanted.every((w) => typeof w === 'string')) return null;
  const matching = values
    .filter((v) => typeof v.folded === 'string' && wanted.includes(v.folded))
    .map((v) => v.stored);
  const c = quoteIdent(column);
  if (matching.length === 0) return `(CASE WHEN ${c} IS NULL THEN NULL ELSE 1 = 0 END)`;
  params.push(...matching);
  return `(${c} IN (${matching.map(() => '?').join(', ')}))`;
}
