/**
 * Completing a run: its final counts, cost and tokens, its status (`failed`
 * with an error message, else `completed`), and the v2 metrics of
 * {@link completionMetrics}, stored in one transaction. A run completes once.
 *
 * @packageDocumentation
 */

import type { RunMetadata } from '../columns/run-record.js';
import { RunNotFoundError } from '../errors.js';
import { completionMetrics } from '../metrics/completion-metrics.js';
import { runIdArgument } from '../schema/arguments.js';
import { CompleteRunInput } from '../schema/run-metadata.js';
import { parseInput } from '../schema/validate.js';
import { nowIso } from '../schema/values.js';
import { explainMissing, type ManagerContext } from './context.js';
import { assignmentsOf, readRunState, updateRun } from './run-sql.js';
import { refuseIfFinished } from './run-state.js';

/** Complete a run and return it as stored; a finished run throws `RunFinishedError`. */
export async function completeRun(
  context: ManagerContext,
  runId: string,
  input: CompleteRunInput,
): Promise<RunMetadata> {
  runId = runIdArgument(runId, 'write');
  const value = parseInput(CompleteRunInput, input);
  const now = value.completedAt ?? nowIso();
  const { columns, db } = context;
  return columns
    .write(db, async (tx) => {
      const run = await readRunState(tx, columns.of('runs'), runId);
      if (!run) throw new RunNotFoundError(runId);
      // Completing twice would silently overwrite the first results.
      refuseIfFinished(runId, run.status);
      // The assignments are read only when the distribution is not given.
      const assignments = value.fidelityDistribution ? [] : await assignmentsOf(tx, runId);
      const metrics = completionMetrics(value, run.fidelityStrategy, assignments);
      const fields: Record<string, unknown> = {
        entitiesCreated: value.entitiesCreated,
        timepointsCreated: value.timepointsCreated,
        trainingExamples: value.trainingExamples,
        costUsd: value.costUsd,
        llmCalls: value.llmCalls,
        tokensUsed: value.tokensUsed,
        status: value.errorMessage ? 'failed' : 'completed',
        errorMessage: value.errorMessage ?? null,
        oxenRepoUrl: value.oxenRepoUrl ?? undefined,
        oxenDatasetUrl: value.oxenDatasetUrl ?? undefined,
        actualTokensUsed: metrics.actualTokensUsed,
        tokenBudgetCompliance: metrics.tokenBudgetCompliance,
        fidelityEfficiencyScore: metrics.fidelityEfficiencyScore,
        fidelityDistribution: metrics.fidelityDistribution,
        updatedAt: now,
        completedAt: now,
        // A run without a strategy keeps none.
        fidelityStrategy: metrics.fidelityStrategy ?? undefined,
      };
      return (await updateRun(tx, columns, runId, fields))!;
    })
    .catch((error: unknown) => explainMissing(context, error, runId));
}
