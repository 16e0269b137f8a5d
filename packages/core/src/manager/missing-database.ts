/**
 * Why a database is missing, when interrupted work explains it. A migration killed
 * between its two renames leaves the v1 data complete in the archive and the
 * finished v2 database aside; a rollback killed after moving the v2 database away
 * leaves the restored copy. The next write finishes the job, but a read never
 * writes: it says where everything is instead of just "does not exist".
 *
 * @packageDocumentation
 */
import { TABLES } from '../columns/registry.js';
import { NotADatabaseError } from '../errors.js';
import { archiveNameFor, asideNameFor, restoringNameFor } from '../migrate/working-names.js';
import { quoteIdent } from '../sql/quote.js';
import type { StorageAdapter } from '../storage/adapter.js';
import { openDatabase } from '../storage/open-database.js';

const FINISH = {
  hint: 'Open it for writing (without readOnly) to finish the interrupted work',
  cliHint: 'Run `runmeta migrate` (or any write command) to finish the interrupted work',
};

/**
 * The archive named by the finished migration in `aside` (its history row), or
 * null when `aside` holds no finished migration. `''` when it finished one that
 * made no archive (a new database).
 */
async function finishedMigration(adapter: StorageAdapter, aside: string): Promise<string | null> {
  const db = await openDatabase(adapter, aside, { readOnly: true });
  try {
    const rows = await db.all(
      `SELECT "details" FROM ${quoteIdent(TABLES.history.name)} WHERE "kind" IN ('migrate', 'create') ORDER BY "id" DESC LIMIT 1`,
    );
    if (!rows.length) return null;
    const archive = (JSON.parse(String(rows[0]?.details ?? '{}')) as { archive?: unknown }).archive;
    return typeof archive === 'string' ? archive : '';
  } finally {
    await db.close();
  }
}

/**
 * The error for a database that does not exist, saying what interrupted work
 * left beside it (and how to finish it), if anything.
 *
 * @internal
 */
export async function missingDatabaseError(
  adapter: StorageAdapter,
  database: string,
  location: string,
): Promise<NotADatabaseError> {
  try {
    const aside = asideNameFor(database);
    if (await adapter.exists(aside)) {
      const archive = await finishedMigration(adapter, aside);
      if (archive !== null) {
        const v1 =
          archive && (await adapter.exists(archive))
            ? `; the v1 data is complete in ${adapter.describe(archive)}`
            : '';
        return new NotADatabaseError(
          location,
          `does not exist: a migration was interrupted before its last rename${v1}, and the finished v2 database is ${adapter.describe(aside)}`,
          FINISH,
        );
      }
    }
    const restoring = restoringNameFor(database);
    if (await adapter.exists(restoring)) {
      return new NotADatabaseError(
        location,
        `does not exist: a rollback was interrupted before its last rename, and the restored v1 database is ${adapter.describe(restoring)}`,
        FINISH,
      );
    }
    const archive = archiveNameFor(database);
    if (await adapter.exists(archive)) {
      return new NotADatabaseError(
        location,
        `does not exist, but its v1 archive ${adapter.describe(archive)} is beside it`,
        {
          hint: 'Move the archive back to use the v1 database as it was, or open for writing to create a new v2 database that reads it as its archive',
          cliHint: `Move the archive back to ${database} to use the v1 database as it was, or run a write command (runmeta start) to create a new v2 database that reads it as its archive`,
        },
      );
    }
  } catch {
    // What is beside it cannot be read: the plain fact below still holds.
  }
  // Nothing beside it either: most often the wrong folder, or no database yet
  // (the default path named nothing), so the advice names both ways out.
  return new NotADatabaseError(location, 'does not exist', {
    hint: 'Name an existing run database, or open this one for writing (without readOnly) to create it',
    cliHint:
      'Name your run database with --db <path> (or RUNMETA_DB), or create one: runmeta start records a first run, runmeta demo writes an example',
  });
}
