/** Take a database's migration lock on PostgreSQL and hold it until killed. */
import { createPostgresAdapter, parsePostgresUrl } from '@runmeta/postgres';
import { input, main, print, sleepForever } from '../../../../test-support/worker-side.js';

const { db } = input<{ db: string }>();

main(async () => {
  const url = parsePostgresUrl(db);
  const adapter = createPostgresAdapter({ connectionString: url.connectionString });
  await adapter.lock!(url.database, { timeoutMs: 5_000 });
  print({ event: 'locked' });
  sleepForever();
  await new Promise(() => {});
});
