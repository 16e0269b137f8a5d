import { type MetadataManager, type ResolutionAssignmentInput, RunmetaError } from '@runmeta/core';
import { openRunDatabase } from '@runmeta/node-sqlite';

/** What one simulation step reports (your pipeline's own type). */
interface StepResult {
  mechanism: string;
  functionName: string;
  assignments: {
    entityId: string;
    level: ResolutionAssignmentInput['resolution']; // 'DIALOG' or 'dialog'
    timepointId: string;
  }[];
}

/** Track one simulation: start, buffer events per step, complete (or fail). */
export async function trackSimulation(
  manager: MetadataManager,
  steps: AsyncIterable<StepResult>,
): Promise<string> {
  const run = await manager.startRun({
    templateId: 'hospital_crisis',
    causalMode: 'forward',
    tokenBudget: 80_000,
  });
  const runId = run.runId!;
  let tokens = 0;
  try {
    for await (const step of steps) {
      // One transaction per step: all of its rows land, or none.
      await manager.recordBatch(runId, {
        mechanisms: [{ mechanism: step.mechanism, functionName: step.functionName }],
        resolutions: step.assignments.map((a) => ({
          entityId: a.entityId,
          resolution: a.level,
          timepointId: a.timepointId,
        })),
      });
      tokens += 1_000;
    }
    await manager.completeRun(runId, {
      entitiesCreated: 4,
      timepointsCreated: 2,
      costUsd: tokens * 0.0000025,
      tokensUsed: tokens,
    });
  } catch (error) {
    // Keep the failure on record; a validation error names the bad field.
    const message = error instanceof RunmetaError ? error.message : String(error);
    await manager.completeRun(runId, {
      entitiesCreated: 0,
      timepointsCreated: 0,
      costUsd: 0,
      tokensUsed: tokens,
      errorMessage: message,
    });
    throw error;
  }
  return runId;
}

const manager = await openRunDatabase();
await manager.close();
