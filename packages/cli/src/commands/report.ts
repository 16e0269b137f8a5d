/** `report`: runs, cost, tokens, overruns, compliance and fidelity per group (summarized by core). */
import { SUMMARY_GROUPINGS } from '@runmeta/core/constants';
import { lazy } from '../shared/lazy-run.js';
import { FILTER_OPTIONS, WHERE_HELP } from '../shared/run-filter-options.js';
import type { CommandSpec } from './types.js';

export const report: CommandSpec = {
  name: 'report',
  summary:
    'Runs, cost, tokens, budget overruns, compliance and fidelity per group, with bar charts',
  description: `Summarize runs per group: runs by status, cost, tokens, LLM calls, budget overruns (compliance above 1), the compliance distribution (min, median, p90, max; nearest rank) and fidelity totals per level. Groups: ${Object.entries(
    SUMMARY_GROUPINGS,
  )
    .map(([by, what]) => `${by} (${what})`)
    .join(
      ', ',
    )}. Every figure is computed by the database, so a million runs take one pass and little memory. The filters are those of runs list. ${WHERE_HELP}`,
  printsData: true,
  options: [
    {
      flags: '--by <field>',
      description: 'group by',
      choices: Object.keys(SUMMARY_GROUPINGS),
      default: 'template',
    },
    ...FILTER_OPTIONS,
  ],
  examples: [
    { command: 'runmeta report --by mode', description: 'per temporal mode' },
    {
      command: 'runmeta report --by month --include-archive',
      description: 'per month, v1 archive included',
    },
    {
      command: `runmeta report --by day --since 2025-11-01 --where "status = 'failed'"`,
      description: 'failures per day since November',
    },
  ],
  run: lazy(() => import('../actions/report.js')),
};
