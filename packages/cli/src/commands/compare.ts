import { lazy } from '../shared/lazy-run.js';
import type { CommandSpec } from './types.js';

export const compare: CommandSpec = {
  name: 'compare',
  summary: 'Runs side by side: every field, what differs, deltas against a baseline',
  description:
    'Compare two or more runs: one row per field and one column per run, fields that differ marked ≠ (and coloured on a terminal), numbers shown with their difference from the baseline run in absolute terms and in percent, e.g. 0.52 (+0.12, +30.0%) (no percentage when the baseline value is 0). Then the mechanisms (events per run, those shared by all and those only one run used), the fidelity distributions (a v1 run’s derived from its resolution assignments) and the validations passed and failed. Long values are cut with …; --json prints the whole comparison. A run that is not found is named (exit 2), and one that sits in the v1 archive is found with --include-archive.',
  printsData: true,
  arguments: [
    {
      name: 'run',
      description: 'the ids of the runs to compare (at least two)',
      variadic: true,
    },
  ],
  options: [
    {
      flags: '--baseline <run>',
      description: 'the run deltas are measured from (one of the compared runs; default the first)',
    },
    {
      flags: '--only-differences',
      description: 'show only the fields whose values are not the same in every run',
    },
    {
      flags: '--include-archive',
      description: 'also look for the runs in the v1 archive (each run says where it was found)',
    },
  ],
  fieldFlags: { runIds: '<run>', baseline: '--baseline', includeArchive: '--include-archive' },
  examples: [
    {
      command: 'runmeta compare run_a run_b',
      description: 'two runs, every field, deltas against run_a',
    },
    {
      command: 'runmeta compare run_a run_b run_c --baseline run_b --only-differences',
      description: 'three runs, only what differs, deltas against run_b',
    },
    {
      command: 'runmeta compare run_v1 run_v2 --include-archive --json',
      description: 'an archived v1 run against a v2 run, as JSON',
    },
  ],
  run: lazy(() => import('../actions/compare.js')),
};
