/** `start`: start a run; prints its run id (or the run as JSON). */

import { lazy } from '../shared/lazy-run.js';
import { decimalNumber } from '../shared/option-values.js';
import type { CommandSpec } from './types.js';

export const start: CommandSpec = {
  name: 'start',
  fieldFlags: {
    runId: '--run-id',
    templateId: '--template',
    causalMode: '--mode',
    goal: '--goal',
    tokenBudget: '--token-budget',
  },
  summary: 'Start a run; prints its run id',
  printsData: true,
  options: [
    { flags: '--template <id>', description: 'template id (required)' },
    {
      flags: '--mode <causal_mode>',
      description:
        'temporal mode (required): forward, directorial, branching, cyclical, portal, pearl, nonlinear',
    },
    { flags: '--run-id <id>', description: 'use this id instead of a generated one' },
    { flags: '--goal <text>', description: 'what the simulation is for' },
    {
      flags: '--token-budget <n>',
      description: 'token budget (for compliance at completion)',
      value: decimalNumber(0),
    },
  ],
  examples: [
    {
      command:
        'RUN=$(runmeta start --template board_meeting --mode directorial --token-budget 50000)',
      description: 'in a shell pipeline',
    },
  ],
  run: lazy(() => import('../actions/start.js')),
};
