import { formatPlan, MetadataManager } from '@runmeta/core';
import { createNodeSqliteAdapter, openRunDatabase } from '@runmeta/node-sqlite';

const adapter = createNodeSqliteAdapter({ directory: 'metadata' });

// 1. Dry run: the plan (steps, file moves, SQL); nothing is written.
const plan = await MetadataManager.plan({ adapter, migration: { strategy: 'carry-over' } });
console.log(formatPlan(plan));

// 2. Migrate (this happens on any open; here with carry-over and backfill).
const manager = await openRunDatabase('metadata/runs.db', {
  migration: { strategy: 'carry-over', backfill: true },
  onMigrationProgress: (p) => console.log(p.step, p.table ?? '', p.done ?? ''),
});
console.log(manager.migration); // action, archivePath, runsCarried, integrity, ...
await manager.close();

// 3. Roll back if needed: v2 kept as runs_v2_backup.db, the archive restored.
const result = await MetadataManager.rollback({ adapter, confirm: true });
console.log(result);
