/**
 * What a manager's operations share: the open database, the columns its tables
 * have, and its archive. {@link MetadataManager} holds one and hands it to the
 * modules that do the work, so each of them can be read on its own.
 *
 * @packageDocumentation
 */
import { RunNotFoundError } from '../errors.js';
import type { StorageAdapter } from '../storage/adapter.js';
import type { Database } from '../storage/database.js';
import type { ArchiveLookup } from './archive-lookup.js';
import type { ColumnCache } from './column-cache.js';

/** The state of one open manager. */
export interface ManagerContext {
  readonly adapter: StorageAdapter;
  /** Name of the database in its container. */
  readonly database: string;
  readonly db: Database;
  readonly columns: ColumnCache;
  readonly archive: ArchiveLookup;
}

/** A write's plain "not found" becomes one that names the archive, if the run is there. */
export async function explainMissing(
  context: ManagerContext,
  error: unknown,
  runId: string,
): Promise<never> {
  if (error instanceof RunNotFoundError && !error.archive) {
    throw await context.archive.runNotFound(runId, 'write');
  }
  throw error;
}
