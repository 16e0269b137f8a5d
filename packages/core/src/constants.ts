/**
 * Constants that describe what runmeta accepts, for help text and forms: the
 * known values of a run's enums, the sort keys and summary groupings, the limits
 * of a filter, the events of `ingest`, and the CSV cell rule. The same values `@runmeta/core`
 * exports, from modules that load neither zod nor the manager, so a command
 * line's `--help` can quote them at no cost.
 *
 * @packageDocumentation
 */

export { csvCell } from './columns/csv-cell.js';
export { WHERE_LIMITS } from './filter/where-limit-values.js';
export { INGEST_DEFAULTS, INGEST_EVENTS, type IngestEventName } from './ingest/ingest-constants.js';
export { SORT_KEYS, type SortDirection, type SortKey } from './queries/sort-key-defs.js';
export { SUMMARY_GROUPINGS, type SummaryGrouping } from './queries/summary-grouping-names.js';
export {
  FIDELITY_PLANNING_MODES,
  RESOLUTION_LEVELS,
  RUN_STATUSES,
  TEMPORAL_MODES,
  TOKEN_BUDGET_MODES,
} from './schema/enum-values.js';
