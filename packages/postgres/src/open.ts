/**
 * One call from a URL to an open manager, the PostgreSQL counterpart of
 * `openRunDatabase` in `@runmeta/node-sqlite`.
 */
import { type ManagerOptions, MetadataManager } from '@runmeta/core';
import { createPostgresAdapter, type PostgresAdapterOptions } from './adapter.js';
import { parsePostgresUrl } from './url.js';

/**
 * Open (creating or migrating as needed) the run database at
 * `postgres://user:password@host:port/database?schema=runs`.
 */
export function openPostgresRunDatabase(
  url: string,
  options: Omit<ManagerOptions, 'adapter' | 'database'> & {
    client?: PostgresAdapterOptions['client'];
  } = {},
): Promise<MetadataManager> {
  const { client, ...manager } = options;
  const location = parsePostgresUrl(url);
  const adapter = createPostgresAdapter({
    connectionString: location.connectionString,
    ...(client ? { client } : {}),
  });
  return MetadataManager.open({ ...manager, adapter, database: location.database });
}
