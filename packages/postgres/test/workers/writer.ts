/**
 * Record `runs` complete runs into one run database — a PostgreSQL URL or a
 * SQLite file — the same workload for both, so throughput compares: start, one
 * batch of child records (mechanism, resolution, validation), complete. Waits
 * for `go` first, and reports the time its runs took.
 */
import type { MetadataManager } from '@runmeta/core';
import { openRunDatabase } from '@runmeta/node-sqlite';
import { isPostgresUrl, openPostgresRunDatabase } from '@runmeta/postgres';
import { input, main, print, waitForGo } from '../../../../test-support/worker-side.js';

const { db, worker, runs } = input<{ db: string; worker: number; runs: number }>();

main(async () => {
  print({ event: 'ready' });
  await waitForGo();
  const manager: MetadataManager = isPostgresUrl(db)
    ? await openPostgresRunDatabase(db)
    : await openRunDatabase(db);
  print({ event: 'opened', migration: manager.migration?.action ?? null });
  const started = performance.now();
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
  const ms = performance.now() - started;
  await manager.close();
  print({ event: 'done', runs, ms });
});
