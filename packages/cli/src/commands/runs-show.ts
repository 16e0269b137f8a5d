import { lazy } from '../shared/lazy-run.js';
import type { CommandSpec } from './types.js';

export const runsShow: CommandSpec = {
  name: 'show',
  summary: 'One run with its mechanisms, resolutions and validations',
  description:
    'Every field of one run (active database or archive), then its mechanism events, resolution assignments and validations, one line each, with the violations of each validation listed under it. The run’s fields are shown in full (a stored value runmeta cannot read, such as text that is not JSON, is shown as stored and marked); values in the event lines longer than 80 characters are cut with …, and --json prints everything in full.',
  printsData: true,
  arguments: [{ name: 'run_id', description: 'the run to show' }],
  examples: [
    {
      command: 'runmeta runs show run_20251211_120536_66b420bf --json',
      description: 'everything about one run',
    },
  ],
  run: lazy(() => import('../actions/runs-show.js')),
};
