/**
 * Rolling a migration back: the v2 database is kept as
 * `runs_v2_backup.db` (never overwriting one), and the v1 archive is restored
 * to `runs.db`. Runs written since the migration then exist only in the backup.
 */
import { ArchiveConflictError, ValidationError } from '../errors.js';
import { detectSchema, type SchemaKind } from '../migrate/detect.js';
import { refuseStandIns } from '../migrate/foreign-code.js';
import { observeSchema } from '../migrate/observe.js';
import { backupNameFor, restoringNameFor } from '../migrate/working-names.js';
import { parseOptions } from '../schema/options.js';
import type { StorageAdapter } from '../storage/adapter.js';
import { openDatabase } from '../storage/open-database.js';
import { archiveOf } from './archive-lookup.js';
import { openArchiveDatabase } from './archive-open.js';
import {
  type ChangesSinceMigration,
  changesSinceMigration,
  describeChanges,
} from './changes-since-migration.js';
import { RollbackOptionsSchema } from './options.js';

/** Options for {@link rollbackMigration}. */
export interface RollbackOptions {
  adapter: StorageAdapter;
  /** Default `runs.db`. */
  database?: string;
  /** Must be `true`: rollback replaces the active database. */
  confirm: boolean;
  /** How long to wait for another process's migration lock. Default 60 000 ms. */
  lockTimeoutMs?: number;
}

/** What a rollback did. */
export interface RollbackResult {
  /** Where the v2 database was kept. */
  backupPath: string;
  /** The archive that is now the active database again. */
  restoredFrom: string;
  /**
   * Runs with schema_version '2.0' (written with the v2 schema).
   * @deprecated Use `changes.newRuns`, and the other counts of `changes`.
   */
  v2Runs: number;
  /**
   * Everything written since the migration, which now exists only in the backup,
   * counted by kind: new runs, changed carried-over runs, carried-over runs with
   * v2 metrics, child rows added to carried-over runs, columns added.
   */
  changes: ChangesSinceMigration;
  /**
   * The warning to show: each kind of change that is not zero, and where it is
   * now. Says so when nothing was written since the migration.
   */
  warning: string;
}

/**
 * Restore the v1 archive as the active database, keeping the v2 database as a
 * backup. Each file move is atomic and a copy of the archive is made first, so a
 * crash at any point loses nothing and the next open finishes the restore.
 */
export async function rollbackMigration(given: RollbackOptions): Promise<RollbackResult> {
  const options = parseOptions(RollbackOptionsSchema, given) as RollbackOptions;
  const { adapter } = options;
  const database = options.database ?? 'runs.db';
  if (options.confirm !== true) {
    throw new ValidationError(
      'confirm',
      `rollback replaces ${adapter.describe(database)} with the v1 archive`,
      {
        hint: 'Pass confirm: true to roll back; nothing was changed',
        cliHint: 'Add --yes to roll back; nothing was changed',
      },
    );
  }
  if (!(await adapter.exists(database))) {
    throw new ArchiveConflictError(
      `${adapter.describe(database)} does not exist`,
      'There is nothing to roll back',
    );
  }
  const release = await adapter.lock?.(database, { timeoutMs: options.lockTimeoutMs ?? 60_000 });
  try {
    const archive = await archiveOf(adapter, database);
    if (!archive) {
      throw new ArchiveConflictError(
        `no v1 archive was found next to ${adapter.describe(database)}`,
        'Only a database migrated with the archive or carry-over strategy can be rolled back',
      );
    }
    // The archive must still be the v1 file the migration left: restoring anything
    // else would replace the database with something that is not its past.
    const { db: old, schema: archived } = await openArchiveDatabase(adapter, archive, database);
    let v2Runs = 0;
    let changes: ChangesSinceMigration;
    try {
      refuseChangedArchive(adapter, archive, detectSchema(archived).kind);
      // Fold the WAL into the file and count what will live only in the backup.
      const current = await openDatabase(adapter, database);
      try {
        refuseStandIns(await observeSchema(current), adapter.describe(database));
        if (current.dialect.checkpointSql) await current.all(current.dialect.checkpointSql);
        const [row] = await current.all(
          `SELECT count(*) AS n FROM "runs" WHERE "schema_version" = '2.0'`,
        );
        v2Runs = Number(row?.n ?? 0);
        changes = await changesSinceMigration(current, old);
      } finally {
        await current.close();
      }
    } finally {
      await old.close();
    }
    const backup = backupNameFor(database, await adapter.list());
    const restoring = restoringNameFor(database);
    await adapter.remove(restoring);
    await adapter.copy(archive, restoring);
    await adapter.move(database, backup);
    await adapter.move(restoring, database);
    await adapter.remove(archive);
    const backupPath = adapter.describe(backup);
    const changed = describeChanges(changes);
    return {
      backupPath,
      restoredFrom: adapter.describe(archive),
      v2Runs,
      changes,
      warning: changed
        ? `only in ${backupPath}: ${changed}`
        : `nothing was written since the migration; ${backupPath} holds nothing the restored database lacks`,
    };
  } finally {
    await release?.();
  }
}

/** Refuse to restore an archive that is no longer v1 (something migrated it since). */
function refuseChangedArchive(adapter: StorageAdapter, archive: string, kind: SchemaKind): void {
  if (kind.startsWith('v1')) return;
  const location = adapter.describe(archive);
  throw new ArchiveConflictError(
    `${location} is not a v1 database (it reads as ${kind}), so it is not the file the migration archived; nothing was changed`,
    {
      hint: `If it was migrated by mistake, roll that back first: MetadataManager.rollback({ adapter, database: '${archive}', confirm: true }); then retry`,
      cliHint: `If it was migrated by mistake, roll that back first (\`runmeta --db ${location} rollback --yes\`), then retry`,
    },
  );
}
