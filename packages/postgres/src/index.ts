/**
 * `@runmeta/postgres` — runmeta on a PostgreSQL server, for many writers on many
 * machines. The adapter passes the same conformance suite as the SQLite
 * adapters; each runmeta database is a schema, migrations rename schemas, and the
 * migration lock is an advisory lock.
 *
 * ```ts
 * import { MetadataManager } from '@runmeta/core';
 * import { openPostgresRunDatabase } from '@runmeta/postgres';
 *
 * const manager = await openPostgresRunDatabase('postgres://localhost/sims?schema=runs');
 * ```
 *
 * SQLite images in and out of a server (`exportSqliteImage`, `importSqliteImage`,
 * and the adapter's `readBytes`/`writeBytes`) need `@runmeta/node-sqlite`, an
 * optional peer dependency: they live in the entry `@runmeta/postgres/sqlite-image`.
 *
 * @packageDocumentation
 */

export {
  createPostgresAdapter,
  type PostgresAdapter,
  type PostgresAdapterOptions,
} from './postgres-adapter.js';
export { postgresDialect } from './postgres-dialect.js';
export { classifyPgError } from './postgres-errors.js';
export { openPostgresRunDatabase } from './postgres-open.js';
export { toNumberedPlaceholders } from './postgres-placeholders.js';
export {
  DEFAULT_SCHEMA,
  isPostgresUrl,
  type PostgresLocation,
  parsePostgresUrl,
} from './postgres-url.js';
