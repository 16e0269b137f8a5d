/**
 * Record `runs` complete runs into one database file: start, one batch of child
 * records (mechanism, resolution, validation), complete. Waits for `go` first.
 */
import { openRunDatabase } from '@runmeta/node-sqlite';
import { input, main, print, waitForGo } from './worker-support.js';

const { file, worker, runs } = input<{ file: string; worker: number; runs: number }>();

main(async () => {
  print({ event: 'ready' });
  await waitForGo();
  const manager = await openRunDatabase(file);
  print({ event: 'opened', migration: manager.migration?.action ?? null });
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
  await manager.close();
  print({ event: 'done', runs });
});
