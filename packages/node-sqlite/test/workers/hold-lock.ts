/** Take the adapter's migration lock of `name` in `directory`, say so, and hold it until killed. */
import { createNodeSqliteAdapter } from '@runmeta/node-sqlite';
import { input, main, print, sleepForever } from './worker-support.js';

const { directory, name } = input<{ directory: string; name: string }>();

main(async () => {
  const adapter = createNodeSqliteAdapter({ directory });
  if (!adapter.lock) throw new Error('the file adapter has no migration lock');
  const release = await adapter.lock(name, { timeoutMs: 1000 });
  // Keep the release function (and the lock's connection) reachable: a collected
  // connection would be closed, and the lock silently released.
  (globalThis as { heldLock?: unknown }).heldLock = release;
  print({ event: 'locked' });
  sleepForever();
  await new Promise(() => {});
});
