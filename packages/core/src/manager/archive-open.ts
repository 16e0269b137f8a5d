/**
 * Opening a database's v1 archive. A damaged archive is not the active database's
 * problem: the error names the archive, says it is the v1 archive of which
 * database, and what to do (restore it, or move it away) — never "check --db",
 * which would send the user to a path that is fine.
 *
 * @packageDocumentation
 */
import { NotADatabaseError } from '../errors.js';
import { openDatabase } from '../migrate/execute.js';
import { type ObservedSchema, observeSchema } from '../migrate/observe.js';
import type { StorageAdapter } from '../storage/adapter.js';
import type { Database } from '../storage/database.js';

/**
 * The error for an archive that cannot be read as SQLite: `error` when it says
 * something else (locked, missing permission...), else a {@link NotADatabaseError}
 * about the archive of `databaseLocation`.
 */
export function unreadableArchive(
  error: unknown,
  archiveLocation: string,
  databaseLocation: string,
): unknown {
  if (!(error instanceof NotADatabaseError)) return error;
  return new NotADatabaseError(
    archiveLocation,
    `(the v1 archive of ${databaseLocation}) is not a readable SQLite database`,
    {
      cause: error,
      hint: `Restore ${archiveLocation} from a backup, or move it away to read ${databaseLocation} without it (its archived runs are then not read)`,
    },
  );
}

/**
 * Open the archive `name` of `database` read-only and read its schema; a damaged
 * archive is reported by {@link unreadableArchive}.
 *
 * @internal
 */
export async function openArchiveDatabase(
  adapter: StorageAdapter,
  name: string,
  database: string,
): Promise<{ db: Database; schema: ObservedSchema }> {
  const fail = (error: unknown) =>
    unreadableArchive(error, adapter.describe(name), adapter.describe(database));
  let db: Database;
  try {
    db = await openDatabase(adapter, name, { readOnly: true });
  } catch (error) {
    throw fail(error);
  }
  try {
    return { db, schema: await observeSchema(db) };
  } catch (error) {
    await db.close().catch(() => {});
    throw fail(error);
  }
}
