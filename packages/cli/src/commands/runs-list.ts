/** `runs list`: runs, filtered and sorted, as a table, JSON, JSONL or CSV. */
import { SORT_KEYS } from '@runmeta/core/constants';
import { lazy } from '../shared/lazy-run.js';
import { wholeNumber } from '../shared/option-values.js';
import { FILTER_OPTIONS, WHERE_HELP } from '../shared/run-filter-options.js';
import type { CommandSpec } from './types.js';

export const runsList: CommandSpec = {
  name: 'list',
  summary: 'List runs, filtered and sorted by any column, a page at a time or all',
  description: `List runs. Filters combine with AND. ${WHERE_HELP}

--sort takes <key>[:asc|:desc]; keys: ${Object.keys(SORT_KEYS).join(', ')} (column names such as cost_usd work too; oldest and newest are created:asc and created:desc). Numbers sort largest first unless :asc is given, the others ascending; runs without a value come last either way, ties by run id. Sorting, filtering and paging happen in the database, so any number of runs streams in constant memory. With --limit, a line on stderr gives the --cursor that continues the list.`,
  printsData: true,
  options: [
    ...FILTER_OPTIONS,
    {
      flags: '--sort <key[:asc|:desc]>',
      description: 'order of the list, e.g. cost, cost:asc, compliance:desc, newest',
      default: 'created',
    },
    { flags: '--limit <n>', description: 'at most n runs (after sorting)', value: wholeNumber(0) },
    {
      flags: '--cursor <cursor>',
      description: 'continue a list where the page before ended (its stderr names the cursor)',
    },
    {
      flags: '--format <format>',
      description: 'output format',
      choices: ['table', 'json', 'jsonl', 'csv'],
      default: 'table',
    },
  ],
  examples: [
    {
      command: 'runmeta runs list --status failed --include-archive',
      description: 'failed runs, old and new',
    },
    {
      command: 'runmeta runs list --where "fidelity.dialog >= 2 and token_budget_compliance > 1"',
      description: 'dialog-heavy runs over budget',
    },
    {
      command: 'runmeta runs list --sort newest --limit 5 --format csv',
      description: 'latest five as CSV',
    },
    {
      command: 'runmeta runs list --sort cost --limit 10',
      description: 'the ten most expensive runs',
    },
  ],
  run: lazy(() => import('../actions/runs-list.js')),
};
