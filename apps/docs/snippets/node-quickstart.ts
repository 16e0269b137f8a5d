import { formatSnapshotForLlm } from '@runmeta/core';
import { openRunDatabase } from '@runmeta/node-sqlite';

// Creates metadata/runs.db (v2), or migrates a v1 file found there.
const manager = await openRunDatabase('metadata/runs.db');

const run = await manager.startRun({
  templateId: 'board_meeting',
  causalMode: 'directorial',
  tokenBudget: 50_000,
});
await manager.recordBatch(run.runId!, {
  mechanisms: [{ mechanism: 'M1', functionName: 'build_graph' }],
  resolutions: [
    { entityId: 'ceo', resolution: 'DIALOG', timepointId: 'tp_001' },
    { entityId: 'cfo', resolution: 'scene', timepointId: 'tp_001' },
  ],
  validations: [{ validatorName: 'temporal_consistency', passed: true }],
});
const done = await manager.completeRun(run.runId!, {
  entitiesCreated: 2,
  timepointsCreated: 1,
  costUsd: 0.04,
  tokensUsed: 43_650,
});
console.log(done.tokenBudgetCompliance); // 0.873
console.log(done.fidelityDistribution); // { dialog: 1, scene: 1 }

console.log(formatSnapshotForLlm(await manager.getSnapshot(run.runId!)));
await manager.close();
