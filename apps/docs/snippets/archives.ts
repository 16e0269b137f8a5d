import { openRunDatabase } from '@runmeta/node-sqlite';

const manager = await openRunDatabase('metadata/runs.db', { readOnly: true });

// Both databases at once, oldest first; each run says where it lives.
const all = await manager.getAllRuns({ includeArchive: true });
const fromArchive = all.filter((run) => run.source === 'archive');
console.log(`${all.length} runs, ${fromArchive.length} of them in the v1 archive`);

// v1 runs read leniently: unknown values stay (flagged), unknown columns come back in `extra`.
for (const run of fromArchive.slice(0, 3)) {
  console.log(run.runId, run.schemaVersion, run.startedAt ?? run.createdAt, run.readIssues ?? []);
}

// One run and its child rows, wherever it is.
const [first] = fromArchive;
if (first) {
  const resolutions = await manager.getResolutions(first.runId!, { includeArchive: true });
  console.log(resolutions.length, 'resolution assignments');
}

// The same filter language as `runmeta runs list --where`.
const failed = await manager.getAllRuns({
  includeArchive: true,
  where: "status = 'failed' and template_id like 'board%'",
});
console.log(failed.map((run) => run.errorMessage));
await manager.close();
