/**
 * Open a run database (migrating it as the options say) and report what opening
 * did, or the error it failed with. With `waitForGo`, waits for `go` on stdin
 * first, so several workers open at the same moment.
 */
import type { MigrationStrategy } from '@runmeta/core';
import { openRunDatabase } from '@runmeta/node-sqlite';
import { describeError, input, main, print, waitForGo } from './worker-support.js';

const options = input<{
  file: string;
  strategy: MigrationStrategy;
  lockTimeoutMs?: number;
  waitForGo?: boolean;
  readRuns?: boolean;
  /** Under `ulimit -f`: turn the SIGXFSZ kill into a failing write (EFBIG). */
  ignoreFileSizeSignal?: boolean;
}>();

if (options.ignoreFileSizeSignal) process.on('SIGXFSZ', () => {});

main(async () => {
  print({ event: 'ready' });
  if (options.waitForGo) await waitForGo();
  let manager: Awaited<ReturnType<typeof openRunDatabase>>;
  try {
    manager = await openRunDatabase(options.file, {
      migration: { strategy: options.strategy },
      lockTimeoutMs: options.lockTimeoutMs,
    });
  } catch (error) {
    print({ event: 'failed', error: describeError(error) });
    return;
  }
  const migration = manager.migration
    ? {
        action: manager.migration.action,
        strategy: manager.migration.strategy,
        archivePath: manager.migration.archivePath,
        runsCarried: manager.migration.runsCarried,
      }
    : null;
  const result: Record<string, unknown> = { event: 'opened', migration };
  if (options.readRuns) {
    const all = await manager.getAllRuns({ includeArchive: true });
    result.runIds = all.map((run) => run.runId).sort();
    result.activeRuns = (await manager.getAllRuns()).length;
  }
  await manager.close();
  print(result);
});
