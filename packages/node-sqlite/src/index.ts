/**
 * `@runmeta/node-sqlite` — runmeta on better-sqlite3: run databases as files
 * (default `metadata/runs.db`) or in memory.
 *
 * @packageDocumentation
 */
import path from 'node:path';
import { type ManagerOptions, MetadataManager } from '@runmeta/core';
import { createNodeSqliteAdapter } from './node-sqlite-adapter.js';

export { loadLatestNarrative } from './narrative.js';
export {
  createNodeSqliteAdapter,
  type NodeSqliteAdapter,
  type NodeSqliteAdapterOptions,
  type NodeSqliteConnection,
  wrapConnection,
} from './node-sqlite-adapter.js';

/** The default database path, as the earlier tool used it. */
export const DEFAULT_DATABASE_PATH = 'metadata/runs.db';

/**
 * Open a run database file (created, repaired or migrated as needed). The folder
 * holds the archive and any backups next to the file.
 *
 * @example
 * ```ts
 * const manager = await openRunDatabase('metadata/runs.db');
 * console.log((await manager.getAllRuns()).length);
 * await manager.close();
 * ```
 */
export function openRunDatabase(
  file: string = DEFAULT_DATABASE_PATH,
  options: Omit<ManagerOptions, 'adapter' | 'database'> & { busyTimeoutMs?: number } = {},
): Promise<MetadataManager> {
  const { busyTimeoutMs, ...managerOptions } = options;
  const adapter = createNodeSqliteAdapter({ directory: path.dirname(file), busyTimeoutMs });
  return MetadataManager.open({ ...managerOptions, adapter, database: path.basename(file) });
}
