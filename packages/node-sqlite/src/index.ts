/**
 * `@runmeta/node-sqlite` — runmeta on better-sqlite3: run databases as files
 * (default `metadata/runs.db`) or in memory.
 *
 * @packageDocumentation
 */
import path from 'node:path';
import { type ManagerOptions, MetadataManager } from '@runmeta/core';
import { NonEmptyText, parseInput, parseOptions } from '@runmeta/core/adapter';
import { createNodeSqliteAdapter } from './node-sqlite-adapter.js';
import { resolveDatabaseLink } from './node-sqlite-files.js';
import { OpenRunDatabaseOptions } from './node-sqlite-options.js';

export { type LoadNarrativeOptions, loadLatestNarrative } from './narrative.js';
export {
  createNodeSqliteAdapter,
  type NodeSqliteAdapter,
  type NodeSqliteAdapterOptions,
} from './node-sqlite-adapter.js';
export { type NodeSqliteConnection, wrapConnection } from './node-sqlite-connection.js';
export { makeDirectory } from './node-sqlite-containers.js';
export { entryKind, resolveDatabaseLink } from './node-sqlite-files.js';

/** The default database path, as the earlier tool used it. */
export const DEFAULT_DATABASE_PATH = 'metadata/runs.db';

/** The name that opens a private in-memory database, as in better-sqlite3 and SQLite. */
export const MEMORY_DATABASE = ':memory:';

/**
 * Open a run database file (created, repaired or migrated as needed). The folder
 * holds the archive and any backups next to the file. A `file` that is a symbolic
 * link is resolved once: runmeta works beside the file it points to. `':memory:'`
 * opens a private in-memory database instead (nothing is written to disk).
 *
 * @example
 * ```ts
 * const manager = await openRunDatabase('metadata/runs.db');
 * console.log((await manager.getAllRuns()).length);
 * await manager.close();
 * ```
 */
export async function openRunDatabase(
  file: string = DEFAULT_DATABASE_PATH,
  options: Omit<ManagerOptions, 'adapter' | 'database'> & { busyTimeoutMs?: number } = {},
): Promise<MetadataManager> {
  // Checked before anything is opened: a typo such as { readonly: true } must not migrate.
  parseInput(NonEmptyText, file, 'file');
  const { busyTimeoutMs, ...managerOptions } = parseOptions(
    OpenRunDatabaseOptions,
    options,
  ) as typeof options;
  if (file === MEMORY_DATABASE) {
    // Without this, ':memory:' would become a file of that name in the working folder.
    return MetadataManager.open({
      ...managerOptions,
      adapter: createNodeSqliteAdapter({ memory: true }),
      database: 'runs.db',
    });
  }
  const real = resolveDatabaseLink(file);
  const adapter = createNodeSqliteAdapter({ directory: path.dirname(real), busyTimeoutMs });
  return MetadataManager.open({ ...managerOptions, adapter, database: path.basename(real) });
}
