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
 * @packageDocumentation
 */
export {
  createPostgresAdapter,
  type PostgresAdapter,
  type PostgresAdapterOptions,
} from './adapter.js';
export { classifyPgError } from './errors.js';
export { openPostgresRunDatabase } from './open.js';
export { toNumberedPlaceholders } from './placeholders.js';
export { postgresDialect } from './postgres-dialect.js';
export {
  exportSqliteImage,
  type ImageImportOptions,
  importSqliteImage,
} from './sqlite-image.js';
export {
  DEFAULT_SCHEMA,
  isPostgresUrl,
  type PostgresLocation,
  parsePostgresUrl,
} from './url.js';
