import { lazy } from '../shared/lazy-run.js';
import { FILTER_OPTIONS, WHERE_HELP } from '../shared/run-filter-options.js';
import type { CommandSpec } from './types.js';

export const runsCount: CommandSpec = {
  name: 'count',
  summary: 'Count the runs a filter selects',
  description: `Count runs with the filters of runs list (they combine with AND), in one count in the database. ${WHERE_HELP}`,
  printsData: true,
  options: FILTER_OPTIONS,
  examples: [
    {
      command: `runmeta runs count --where "cost_usd > 0.5 and status = 'completed'"`,
      description: 'completed runs that cost more than $0.50',
    },
    {
      command: 'runmeta runs count --since 2025-11-01 --include-archive',
      description: 'runs since November, old and new',
    },
  ],
  run: lazy(() => import('../actions/runs-count.js')),
};
