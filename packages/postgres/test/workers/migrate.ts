/** Open a (v1) run database on PostgreSQL after `go`, migrating it; report what this process did. */
import { openPostgresRunDatabase } from '@runmeta/postgres';
import { input, main, print, waitForGo } from '../../../../test-support/worker-side.js';

const { db, strategy } = input<{ db: string; strategy: 'archive' | 'carry-over' }>();

main(async () => {
  print({ event: 'ready' });
  await waitForGo();
  const manager = await openPostgresRunDatabase(db, { migration: { strategy } });
  print({ event: 'opened', migration: manager.migration?.action ?? null });
  await manager.close();
});
