/**
 * The concurrent-writer workload of the process tests and the writers bench, the
 * same for every backend: `runs` complete runs, each started, given one batch of
 * child records (a mechanism, a resolution, a validation) and completed.
 */
import type { MetadataManager } from '@runmeta/core';

export async function writeRuns(
  manager: MetadataManager,
  worker: number,
  runs: number,
): Promise<void> {
  for (let i = 0; i < runs; i++) {
    const run = await manager.startRun({
      runId: `w${worker}_run_${String(i).padStart(5, '0')}`,
      templateId: `template_${i % 7}`,
      causalMode: 'forward',
      tokenBudget: 10_000,
    });
    await manager.recordBatch(run.runId, {
      mechanisms: [{ mechanism: `M${(i % 17) + 1}`, functionName: 'worker_step', context: { i } }],
      resolutions: [{ entityId: `entity_${i % 5}`, resolution: 'DIALOG', timepointId: 'tp_001' }],
      validations: [{ validatorName: 'energy', passed: i % 3 !== 0, violations: [] }],
    });
    await manager.completeRun(run.runId, {
      entitiesCreated: 3,
      timepointsCreated: 2,
      costUsd: 0.01,
      tokensUsed: 9_000 + i,
    });
  }
}
