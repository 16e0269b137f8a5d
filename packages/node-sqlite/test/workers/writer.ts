/**
 * Record `runs` complete runs into one database file: start, one batch of child
 * records (mechanism, resolution, validation), complete. Waits for `go` first.
 */
import { openRunDatabase } from '@runmeta/node-sqlite';
import { writeRuns } from '../../../../test-support/writer-workload.js';
import { input, main, print, waitForGo } from './worker-support.js';

const { file, worker, runs } = input<{ file: string; worker: number; runs: number }>();

main(async () => {
  print({ event: 'ready' });
  await waitForGo();
  const manager = await openRunDatabase(file);
  print({ event: 'opened', migration: manager.migration?.action ?? null });
  await writeRuns(manager, worker, runs);
  await manager.close();
  print({ event: 'done', runs });
});
