/**
 * The groupings of a summary and what each groups by, as plain data: kept apart
 * from the SQL they compile to (`summary-groups.ts`) so that help text can list
 * them without loading the query code (`@runmeta/core/constants`).
 *
 * @packageDocumentation
 */

/** Every grouping of a summary, with what its key is. */
export const SUMMARY_GROUPINGS = {
  template: 'the template id',
  mode: 'the causal mode',
  status: 'the status',
  day: 'the UTC day of creation (YYYY-MM-DD)',
  week: 'the ISO week of creation, by its Monday (YYYY-MM-DD)',
  month: 'the UTC month of creation (YYYY-MM)',
  none: 'nothing: one group, "all"',
} as const;

/** What a summary groups by. */
export type SummaryGrouping = keyof typeof SUMMARY_GROUPINGS;
