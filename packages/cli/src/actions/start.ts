/** The work of `start`: start a run; prints its run id (or the run as JSON). */

import { StartRunInput } from '@runmeta/core';
import { parseInput } from '@runmeta/core/adapter';
import type { CommandRun } from '../commands/types.js';
import { withWriter } from '../shared/write-run.js';
import { CliUsageError } from '../usage-error.js';

/** Runs `start`, as declared (options, help) in `commands/start.ts`. */
export const run: CommandRun = (ctx, _args, o) => {
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
};
