/** The work of `complete`: complete a run and compute its v2 metrics; prints its run id (or the run as JSON). */
import type { CommandRun } from '../commands/types.js';
import { withWriter } from '../shared/write-run.js';
import { CliUsageError } from '../usage-error.js';

/** Runs `complete`, as declared (options, help) in `commands/complete.ts`. */
export const run: CommandRun = (ctx, [runId], o) => {
  for (const required of ['entities', 'timepoints', 'cost', 'tokens']) {
    if (o[required] === undefined) throw new CliUsageError(`complete needs --${required}`);
  }
  const input = {
    entitiesCreated: o.entities as number,
    timepointsCreated: o.timepoints as number,
    trainingExamples: o.trainingExamples as number,
    costUsd: o.cost as number,
    llmCalls: o.llmCalls as number,
    tokensUsed: o.tokens as number,
    tokenBudget: o.tokenBudget as number | undefined,
    errorMessage: o.error as string | undefined,
  };
  return withWriter(ctx, (m) => m.completeRun(runId!, input), {
    command: 'complete',
    runId: runId!,
  });
};
