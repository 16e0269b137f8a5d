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
import { writeRuns } from '../../../../test-support/writer-workload.js';

const { db, worker, runs } = input<{ db: string; worker: number; runs: number }>();

main(async () => {
  print({ event: 'ready' });
  await waitForGo();
  const manager: MetadataManager = isPostgresUrl(db)
    ? await openPostgresRunDatabase(db)
    : await openRunDatabase(db);
  print({ event: 'opened', migration: manager.migration?.action ?? null });
  const started = performance.now();
  await writeRuns(manager, worker, runs);
  const ms = performance.now() - started;
  await manager.close();
  print({ event: 'done', runs, ms });
});
