/** `start`: start a run; prints its run id (or the run as JSON). */

import { StartRunInput } from '@runmeta/core';
import { parseInput } from '@runmeta/core/adapter';
import { CliUsageError } from '../errors.js';
import { decimalNumber } from '../shared/option-values.js';
import { withWriter } from '../shared/write-run.js';
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
  run: (ctx, _args, o) => {
    if (!o.template || !o.mode)
      throw new CliUsageError('start needs --template <id> and --mode <causal_mode>');
    const input: StartRunInput = {
      templateId: String(o.template),
      causalMode: String(o.mode) as 'forward',
      runId: o.runId as string | undefined,
      goal: o.goal as string | undefined,
      tokenBudget: o.tokenBudget as number | undefined,
    };
    // Checked before opening: a v1 file is migrated on open, and a refused
    // `start` must leave it as it was.
    parseInput(StartRunInput, input);
    return withWriter(ctx, (m) => m.startRun(input));
  },
};
