import { importRunDatabase } from '@runmeta/core';
import { createNodeSqliteAdapter } from '@runmeta/node-sqlite';
import { createPostgresAdapter, openPostgresRunDatabase } from '@runmeta/postgres';

// Every worker, on every machine, opens the same database: the schema `runs` of
// the PostgreSQL database `sims`. The first one to arrive creates it.
const manager = await openPostgresRunDatabase(
  'postgres://runmeta@db.internal:5432/sims?schema=runs',
);
const run = await manager.startRun({ templateId: 'board_meeting', causalMode: 'forward' });
await manager.completeRun(run.runId!, {
  entitiesCreated: 2,
  timepointsCreated: 1,
  costUsd: 0.04,
  tokensUsed: 43_650,
});
await manager.close();

// Bring an existing SQLite run database along (v1 or v2): copied whole, then
// migrated on the server. The file is opened read-only and never changed.
const result = await importRunDatabase({
  from: { adapter: createNodeSqliteAdapter({ directory: 'metadata' }), database: 'runs.db' },
  to: {
    adapter: createPostgresAdapter({
      connectionString: 'postgres://runmeta@db.internal:5432/sims',
    }),
    database: 'archive2025.db', // the schema archive2025
  },
  migration: { strategy: 'carry-over', backfill: true },
});
console.log(result.copied, result.migration?.action, result.runs);
