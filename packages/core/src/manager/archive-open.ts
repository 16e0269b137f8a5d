/**
 * Opening a database's v1 archive. A damaged archive is not the active database's
 * problem: the error names the archive, says it is the v1 archive of which
 * database, and what to do (restore it, or move it away) — never "check --db",
 * which would send the user to a path that is fine.
 *
 * @packageDocumentation
 */
import { classifySqliteError, FILE_KIND_WORDS, NotAFileError } from '../error-classification.js';
import { NotADatabaseError } from '../errors.js';
import { detectSchema } from '../migrate/detect.js';
import { refuseStandIns } from '../migrate/foreign-code.js';
import { observeSchema } from '../migrate/observe.js';
import { foreignDetail } from '../migrate/plan.js';
import type { ObservedSchema } from '../sql/observed-schema.js';
import type { Row, RowValues, RunResult, SqlParams } from '../sql/values.js';
import type { SqlConnection, StorageAdapter } from '../storage/adapter.js';
import { Database } from '../storage/database.js';
import type { SqlDialect } from '../storage/sql-dialect.js';

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
  // A pipe, a folder or a link where the archive should be: say which.
  const kind = error.cause instanceof NotAFileError ? error.cause.kind : null;
  return new NotADatabaseError(
    archiveLocation,
    `(the v1 archive of ${databaseLocation}) ${kind ? `is ${FILE_KIND_WORDS[kind]}, not a database file` : 'is not a readable SQLite database'}`,
    {
      cause: error,
      hint: `Restore ${archiveLocation} from a backup, or move it away to read ${databaseLocation} without it (its archived runs are then not read)`,
    },
  );
}

/**
 * The archive's connection: a read that finds the file damaged past its first
 * pages (a corrupt table) is reported like a damaged archive, too.
 */
class ArchiveDatabase extends Database {
  constructor(
    connection: SqlConnection,
    location: string,
    dialect: SqlDialect | undefined,
    private readonly fail: (error: unknown) => unknown,
  ) {
    super(connection, location, dialect);
  }

  override async all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    try {
      return await super.all<T>(sql, params);
    } catch (error) {
      throw this.fail(error);
    }
  }

  override async values(sql: string, params?: SqlParams): Promise<RowValues> {
    try {
      return await super.values(sql, params);
    } catch (error) {
      throw this.fail(error);
    }
  }

  override async run(sql: string, params?: SqlParams): Promise<RunResult> {
    try {
      return await super.run(sql, params);
    } catch (error) {
      throw this.fail(error);
    }
  }
}

/**
 * Open the archive `name` of `database` read-only and read its schema; a damaged
 * archive is reported by {@link unreadableArchive}, now or on a later read.
 *
 * @internal
 */
export async function openArchiveDatabase(
  adapter: StorageAdapter,
  name: string,
  database: string,
): Promise<{ db: Database; schema: ObservedSchema }> {
  const location = adapter.describe(name);
  const fail = (error: unknown) =>
    unreadableArchive(classifySqliteError(error, location), location, adapter.describe(database));
  let db: Database;
  try {
    db = new ArchiveDatabase(
      await adapter.open(name, { readOnly: true }),
      location,
      adapter.dialect,
      fail,
    );
  } catch (error) {
    throw fail(error);
  }
  try {
    const schema = await observeSchema(db);
    // Reading a view that stands in for a table would run the archive's own code.
    refuseStandIns(schema, location);
    const detection = detectSchema(schema);
    if (schema.tables.runs && detection.kind === 'foreign') {
      throw new NotADatabaseError(
        location,
        `(the v1 archive of ${adapter.describe(database)}) ${foreignDetail(detection)}`,
        {
          hint: `Restore ${location} from a backup, or move it away to read ${adapter.describe(database)} without it`,
        },
      );
    }
    return { db, schema };
  } catch (error) {
    await db.close().catch(() => {});
    throw fail(error);
  }
}
