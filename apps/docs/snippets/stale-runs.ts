import { openRunDatabase } from '@runmeta/node-sqlite';

const manager = await openRunDatabase('metadata/runs.db');
const day = 24 * 60 * 60 * 1000;

// Runs still `running` a day after they started: their process died.
const stale = await manager.findStaleRuns({ olderThanMs: day });
console.log(stale.map((run) => run.runId));

// Close them as failed, with a reason, in one transaction.
const closed = await manager.closeStaleRuns({
  olderThanMs: day,
  reason: 'worker died (closed by the nightly job)',
});
console.log(`${closed.length} runs closed`);

// Running runs of a v1 archive are read-only: count them, then carry the archive
// over (MetadataManager.carryOverArchive) to close them too.
const inArchive = (await manager.findStaleRuns({ olderThanMs: day, includeArchive: true })).filter(
  (run) => run.source === 'archive',
);
console.log(`${inArchive.length} stale runs left in the archive`);
await manager.close();
