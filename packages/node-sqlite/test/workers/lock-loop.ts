/**
 * Take and release the migration lock of `name` in `directory` `rounds` times.
 * Inside each hold, create `<name>.inside` exclusively and remove it again: if
 * two processes ever held the lock at once, one of them fails to create it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createNodeSqliteAdapter } from '@runmeta/node-sqlite';
import { input, main, print, waitForGo } from './worker-support.js';

const { directory, name, rounds } = input<{ directory: string; name: string; rounds: number }>();

main(async () => {
  const adapter = createNodeSqliteAdapter({ directory });
  const marker = path.join(directory, `${name}.inside`);
  print({ event: 'ready' });
  await waitForGo();
  let overlaps = 0;
  for (let round = 0; round < rounds; round++) {
    const release = await adapter.lock!(name, { timeoutMs: 60_000 });
    try {
      fs.closeSync(fs.openSync(marker, 'wx'));
    } catch {
      overlaps++;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
    fs.rmSync(marker, { force: true });
    await release();
  }
  print({ event: 'done', overlaps });
});
