/**
 * One call from a URL to an open manager, the PostgreSQL counterpart of
 * `openRunDatabase` in `@runmeta/node-sqlite`.
 */
import { type ManagerOptions, MetadataManager } from '@runmeta/core';
import { parseOptions } from '@runmeta/core/adapter';
import { createPostgresAdapter, type PostgresAdapterOptions } from './postgres-adapter.js';
import { OpenPostgresOptionsSchema } from './postgres-options.js';
import { parsePostgresUrl } from './postgres-url.js';

/**
 * Open (creating or migrating as needed) the run database at
 * `postgres://user:password@host:port/database?schema=runs`.
 */
export async function openPostgresRunDatabase(
  url: string,
  options: Omit<ManagerOptions, 'adapter' | 'database'> & {
    client?: PostgresAdapterOptions['client'];
  } = {},
): Promise<MetadataManager> {
  // Checked before any connection: a typo such as { readonly: true } must not migrate.
  const { client, ...manager } = parseOptions(OpenPostgresOptionsSchema, options) as typeof options;
  const location = parsePostgresUrl(url);
  const adapter = createPostgresAdapter({
    connectionString: location.connectionString,
    ...(client ? { client } : {}),
  });
  return MetadataManager.open({ ...manager, adapter, database: location.database });
}
