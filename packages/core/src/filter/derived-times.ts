/**
 * The derived times (`DERIVED_TIMES`) in SQL: as time keys to compare and
 * sort, and as stored text for `like` and `is null`.
 */
import { quoteIdent } from '../sql/quote.js';
import type { QueryDialect } from '../storage/query-dialect.js';
import { DERIVED_TIMES, type DerivedTime } from './derived-time-columns.js';

/** Whether `name` (lower-case, as a filter's names are read) names a derived time. */
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
  const parts = present(name, columns).map((c) => dialect.timeKey(quoteIdent(c)));
  return coalesce(use === 'order' ? [...parts, "''"] : parts);
}

/**
 * The stored text of a derived time (as `like` and `is null` read it), NULL
 * when no column of it is there. Each part is read as text, so columns of two
 * types (a `timestamp` and a `text` in an adopted PostgreSQL table) coalesce.
 */
export function derivedTimeText(name: DerivedTime, columns: readonly string[]): string {
  return coalesce(present(name, columns).map((c) => `CAST(${quoteIdent(c)} AS TEXT)`));
}

/** The columns of a derived time that a table with `columns` has, in their order. */
const present = (name: DerivedTime, columns: readonly string[]) =>
  DERIVED_TIMES[name].filter((c) => columns.includes(c));

/** The first of `parts` that is not NULL, in SQL; NULL when there is none. */
function coalesce(parts: readonly string[]): string {
  if (parts.length === 0) return 'NULL';
  return parts.length === 1 ? parts[0]! : `COALESCE(${parts.join(', ')})`;
}
