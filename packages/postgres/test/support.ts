import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createPostgresAdapter, type PostgresAdapter } from '../src/index.js';

/** The test server's URL (a throw-away cluster, or RUNMETA_TEST_POSTGRES_URL). */
export const postgresUrl = () => inject('postgresUrl');

const made: PostgresAdapter[] = [];

/** A new adapter whose schemas no other test shares (a random prefix). */
export function freshAdapter(): PostgresAdapter {
  const adapter = createPostgresAdapter({
    connectionString: postgresUrl(),
    schemaPrefix: `t${randomBytes(4).toString('hex')}_`,
  });
  made.push(adapter);
  return adapter;
}

/** Drop every schema the tests made and close their pools. */
export async function dropTestSchemas(): Promise<void> {
  for (const adapter of made.splice(0)) {
    for (const name of await adapter.list()) await adapter.remove(name);
    await adapter.end();
  }
}
