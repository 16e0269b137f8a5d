/**
 * A run's creation and last-update times, as runmeta orders, filters and shows
 * them (SPEC §3): created is created_at, else started_at; updated is
 * updated_at, else completed_at. A file migrated from v1 has started_at and
 * completed_at alone, so its runs have these times all the same.
 */
import { quoteIdent } from '../sql/quote.js';
import type { QueryDialect } from '../storage/query-dialect.js';

/** The derived times, each read from its columns in order (the first that holds a value). */
export const DERIVED_TIMES = {
  created: ['created_at', 'started_at'],
  updated: ['updated_at', 'completed_at'],
} as const satisfies Record<string, readonly string[]>;

/** A derived time's name: `created` or `updated`. */
export type DerivedTime = keyof typeof DERIVED_TIMES;

/** Whether `name` (any case) names a derived time. */
export function isDerivedTime(name: string): name is DerivedTime {
  return Object.hasOwn(DERIVED_TIMES, name);
}

/**
 * The SQL expression of a derived time over a table with `columns`, as a time
 * key (see `schema/time.ts`), so it compares and sorts as an instant. For
 * ordering it is '' when none of its columns holds a time (such runs sort
 * first, and ordering and keyset pagination agree); for filtering it is NULL,
 * so a run whose time is unknown matches no time condition.
 */
export function derivedTimeExpression(
  name: DerivedTime,
  columns: readonly string[],
  dialect: Pick<QueryDialect, 'timeKey'>,
  use: 'order' | 'filter',
): string {
  const parts: string[] = DERIVED_TIMES[name]
    .filter((c) => columns.includes(c))
    .map((c) => dialect.timeKey(quoteIdent(c)));
  if (use === 'order') parts.push("''");
  if (parts.length === 0) return 'NULL';
  return parts.length === 1 ? parts[0]! : `COALESCE(${parts.join(', ')})`;
}

/**
 * The stored text of a derived time (as `like` and `is null` read it), NULL
 * when no column of it is there. Each part is read as text, so columns of two
 * types (a `timestamp` and a `text` in an adopted PostgreSQL table) coalesce.
 */
export function derivedTimeText(name: DerivedTime, columns: readonly string[]): string {
  const parts = DERIVED_TIMES[name]
    .filter((c) => columns.includes(c))
    .map((c) => `CAST(${quoteIdent(c)} AS TEXT)`);
  if (parts.length === 0) return 'NULL';
  return parts.length === 1 ? parts[0]! : `COALESCE(${parts.join(', ')})`;
}
