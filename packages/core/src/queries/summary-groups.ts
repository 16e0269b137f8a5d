/**
 * What a summary groups runs by, declared once: the group names `report --by`
 * and `summarizeRuns({ by })` accept, and the SQL key each compiles to over the
 * columns a runs source has. Status and mode are folded as reads decode them
 * (`FAILED ` is failed); days, weeks and months are of the creation *instant*
 * in UTC (`+02:00` honoured), so a group holds what the time filters select.
 *
 * @packageDocumentation
 */
import { createdExpression } from '../manager/run-queries.js';
import { RUN_STATUSES, TEMPORAL_MODES } from '../schema/enum-values.js';
import { quoteIdent } from '../sql/quote.js';
import type { SqlValue } from '../sql/values.js';
import type { SqlDialect } from '../storage/sql-dialect.js';
import { SUMMARY_GROUPINGS, type SummaryGrouping } from './summary-grouping-names.js';

/** The groupings in declaration order (for choices and help). */
export const SUMMARY_GROUPING_NAMES = Object.keys(SUMMARY_GROUPINGS) as SummaryGrouping[];

/** Whether groups are times (listed in time order) rather than categories (largest first). */
/** The groupings that are periods of time. */
export type TimeGrouping = Extract<SummaryGrouping, 'day' | 'week' | 'month'>;

export const isTimeGrouping = (by: SummaryGrouping): by is TimeGrouping =>
  by === 'day' || by === 'week' || by === 'month';

/** An SQL expression with the parameters it binds, in order. */
export interface BoundSql {
  sql: string;
  params: SqlValue[];
}

/** A column, or NULL when the source lacks it. */
export function columnOrNull(column: string, columns: readonly string[]): string {
  return columns.includes(column) ? quoteIdent(column) : 'NULL';
}

/** An enum column as reads decode it: known values case- and space-folded, others as stored. */
export function foldedEnum(
  column: string,
  columns: readonly string[],
  values: readonly string[],
): BoundSql {
  if (!columns.includes(column)) return { sql: 'NULL', params: [] };
  const c = quoteIdent(column);
  return {
    sql: `CASE WHEN lower(trim(${c})) IN (${values.map(() => '?').join(', ')}) THEN lower(trim(${c})) ELSE ${c} END`,
    params: [...values],
  };
}

/** The SQL key of a grouping over a source's columns. */
export function groupKey(
  by: SummaryGrouping,
  columns: readonly string[],
  dialect: SqlDialect,
): BoundSql {
  const day = () => `substr(${createdExpression(columns, dialect, 'filter')}, 1, 10)`;
  switch (by) {
    case 'template': {
      // Wrapped in a function so SQLite scans the table once rather than walk the
      // template index and read each run's page out of order (2-4× slower at 1M runs).
      const column = columnOrNull('template_id', columns);
      return { sql: column === 'NULL' ? column : `coalesce(${column}, NULL)`, params: [] };
    }
    case 'mode':
      return foldedEnum('causal_mode', columns, TEMPORAL_MODES);
    case 'status':
      return foldedEnum('status', columns, RUN_STATUSES);
    case 'day':
      return { sql: day(), params: [] };
    case 'week':
      return { sql: dialect.weekStart(day()), params: [] };
    case 'month':
      return { sql: `substr(${createdExpression(columns, dialect, 'filter')}, 1, 7)`, params: [] };
    case 'none':
      return { sql: 'CAST(? AS TEXT)', params: ['all'] };
  }
}
