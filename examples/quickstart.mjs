// The quick-start job: build a small v1 run database the way the earlier Python
// tool did, let runmeta migrate it on open, record new v2 runs, and read both back.
// Run it with `pnpm demo` (it builds the packages first).
import fs from 'node:fs';
import path from 'node:path';
import { formatPlan, formatSnapshotForLlm, MetadataManager } from '@runmeta/core';
import { insertSql, schemaDdl } from '@runmeta/core/adapter';
import { createNodeSqliteAdapter } from '@runmeta/node-sqlite';

const folder = path.resolve(process.argv[2] ?? 'runmeta-demo', 'metadata');
fs.rmSync(folder, { recursive: true, force: true });
const adapter = createNodeSqliteAdapter({ directory: folder });

// 1. A v1 database (documented 21-column schema) with a few old runs.
const v1 = await adapter.open('runs.db');
for (const sql of schemaDdl('v1')) await v1.run(sql);
const templates = ['jefferson_dinner', 'board_meeting', 'hospital_crisis'];
const modes = ['forward', 'directorial', 'branching', 'cyclical', 'portal'];
for (let i = 0; i < 12; i++) {
  await v1.run(
    insertSql('runs', [
      'run_id',
      'template_id',
      'created_at',
      'causal_mode',
      'entities_created',
      'timepoints_created',
      'cost_usd',
      'tokens_used',
      'status',
    ]),
    [
      `run_2025_v1_${i}`,
      templates[i % 3],
      `2025-10-${String(10 + i).padStart(2, '0')}T09:00:00`,
      modes[i % 5],
      3 + (i % 4),
      2 + (i % 3),
      0.01 * i,
      2500 * (i + 1),
      i % 5 === 4 ? 'failed' : 'completed',
    ],
  );
}
await v1.close();

// 2. Opening plans and runs the migration (archive strategy by default).
console.log(formatPlan(await MetadataManager.plan({ adapter })));
const manager = await MetadataManager.open({ adapter });
console.log(
  `\nMigrated: ${manager.migration?.archivedRuns} v1 runs archived to ${manager.migration?.archivePath}\n`,
);

// 3. New v2 runs through the SDK.
const levels = ['TENSOR_ONLY', 'SCENE', 'GRAPH', 'DIALOG', 'TRAINED'];
for (let i = 0; i < 4; i++) {
  const run = await manager.startRun({
    templateId: templates[i % 3],
    causalMode: modes[i],
    tokenBudget: 20_000,
  });
  await manager.recordBatch(run.runId, {
    mechanisms: [
      { mechanism: 'M1', functionName: 'build_graph' },
      { mechanism: 'M17', functionName: 'orchestrate' },
    ],
    resolutions: Array.from({ length: 5 }, (_, e) => ({
      entityId: `entity_${e}`,
      resolution: levels[(e + i) % 5],
      timepointId: 'tp_001',
    })),
    validations: [
      {
        validatorName: 'temporal_consistency',
        passed: i !== 2,
        violations: i === 2 ? ['tp_002 precedes tp_001'] : [],
      },
    ],
  });
  await manager.completeRun(run.runId, {
    entitiesCreated: 5,
    timepointsCreated: 3,
    costUsd: 0.02 * (i + 1),
    tokensUsed: 9_000 * (i + 1),
  });
}

// 4. Read both databases, oldest first.
const runs = await manager.getAllRuns({ includeArchive: true });
console.log(
  'source   run_id                               template          status     schema  compliance',
);
for (const r of runs) {
  console.log(
    `${r.source.padEnd(8)} ${r.runId.padEnd(36)} ${String(r.templateId).padEnd(17)} ${String(r.status).padEnd(10)} ${r.schemaVersion.padEnd(7)} ${r.tokenBudgetCompliance === null ? '—' : r.tokenBudgetCompliance.toFixed(2)}`,
  );
}
console.log(`\n${formatSnapshotForLlm(await manager.getSnapshot(runs.at(-1).runId))}`);
await manager.close();
console.log(`\nDatabases in ${folder}: ${(await adapter.list()).join(', ')}`);
