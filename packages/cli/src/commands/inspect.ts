import { lazy } from '../shared/lazy-run.js';
import type { CommandSpec } from './types.js';

export const inspect: CommandSpec = {
  name: 'inspect',
  summary: 'The LLM-ready snapshot of one run, with its fidelity block',
  printsData: true,
  arguments: [{ name: 'run_id', description: 'the run to inspect' }],
  options: [
    {
      flags: '--datasets <dir>',
      description:
        'datasets folder: adds characters, timeline, latest event and dialogs from the newest narrative export',
    },
  ],
  examples: [
    {
      command: 'runmeta inspect run_20251211_120536_66b420bf --datasets datasets',
      description: 'snapshot with narrative',
    },
  ],
  run: lazy(() => import('../actions/inspect.js')),
};
