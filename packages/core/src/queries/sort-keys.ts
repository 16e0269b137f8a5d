/**
 * The orders a run list can take: one declaration per sort key (what `runs
 * list --sort` and `listRuns({ sort })` accept, their help text and the SQL
 * they order by). A key is sorted by the database, either way, with runs that
 * have no value for it always last; ties go by run id.
 *
 * @packageDocumentation
 */
import { CANONICAL_RUN_COLUMNS } from '../columns/registry.js';
import { ValidationError } from '../errors.js';
import { derivedTimeExpression, isDerivedTime } from '../filter/derived-times.js';
import { quoteIdent } from '../sql/quote.js';
import type { SqlDialect } from '../storage/sql-dialect.js';
import { SORT_KEYS, type SortDirection, type SortKey, type SortKeyDef } from './sort-key-defs.js';

const C = CANONICAL_RUN_COLUMNS;

/** The names `--sort` accepts for each key: the short name, the column and its camelCase field. */
const NAMES = new Map<string, SortKey>();
for (const [key, def] of Object.entries(SORT_KEYS) as [SortKey, SortKeyDef][]) {
  NAMES.set(key, key);
  NAMES.set(def.column, key);
}
// The derived times (SPEC §3) are also named by their first column.
NAMES.set('created_at', 'created');
NAMES.set('updated_at', 'updated');
for (const [field, def] of Object.entries(C)) {
  const key = [...NAMES].find(([name]) => name === def.name)?.[1];
  if (key) NAMES.set(field.toLowerCase(), key);
}

/** The earlier order names, kept: `oldest`, `newest`, and `cost`/`tokens`/`compliance` largest first. */
const ALIASES: Record<string, { key: SortKey; direction: SortDirection }> = {
  oldest: { key: 'created', direction: 'asc' },
  newest: { key: 'created', direction: 'desc' },
};

/** A parsed order: which key, which way. */
export interface RunOrder {
  key: SortKey;
  direction: SortDirection;
}

/**
 * Parse `key[:asc|:desc]` (`cost`, `cost_usd:asc`, `tokenBudgetCompliance:desc`,
 * `newest`). Throws a {@link ValidationError} naming `option` and the keys.
 */
export function parseRunOrder(text: string, option = 'sort'): RunOrder {
  const [name = '', way, ...rest] = text.trim().split(':');
  const alias = ALIASES[name.toLowerCase()];
  const key = alias?.key ?? NAMES.get(name.toLowerCase());
  if (!key || rest.length || (alias && way !== undefined)) {
    throw new ValidationError(
      option,
      `unknown order "${text}" (use <key>[:asc|:desc] with a key among ${Object.keys(SORT_KEYS).join(', ')}; or oldest, newest)`,
      { operation: 'read' },
    );
  }
  if (way !== undefined && way !== 'asc' && way !== 'desc') {
    throw new ValidationError(option, `unknown direction "${way}" in "${text}" (asc or desc)`, {
      operation: 'read',
    });
  }
  return { key, direction: alias?.direction ?? way ?? SORT_KEYS[key].direction };
}

/**
 * Whether the key sorts by a column as stored, so that an index on it can give
 * the runs in order (a top-N walks it and stops); times are compared through an
 * expression, which no index gives in order.
 */
export function sortsByStoredColumn(key: SortKey): boolean {
  const def = SORT_KEYS[key];
  return !isDerivedTime(def.column) && def.kind !== 'time';
}

/** The order as text, `key:direction` (what a cursor records). */
export function formatRunOrder(order: RunOrder): string {
  return `${order.key}:${order.direction}`;
}

/**
 * The SQL value a key sorts by over `columns`: NULL for a run without one (it
 * then sorts last), and NULL for every run when the table lacks the column.
 */
export function sortExpression(
  key: SortKey,
  columns: readonly string[],
  dialect: SqlDialect,
): string {
  const def: SortKeyDef = SORT_KEYS[key];
  // created_at, else started_at (updated_at, else completed_at): as the runs are shown.
  if (isDerivedTime(def.column))
    return derivedTimeExpression(def.column, columns, dialect, 'filter');
  if (!columns.includes(def.column)) return 'NULL';
  const column = quoteIdent(def.column);
  return def.kind === 'time' ? dialect.timeKey(column) : column;
}

/** One line per key for help text: `cost  cost in USD (largest first)`. */
export function describeSortKeys(): string[] {
  return (Object.entries(SORT_KEYS) as [SortKey, SortKeyDef][]).map(
    ([key, def]) =>
      `${key.padEnd(18)}${def.description} (default ${def.direction === 'desc' ? 'largest first' : 'ascending'})`,
  );
}
