/**
 * The status summary of a run database: what `runmeta status` prints (and
 * `--json` returns), assembled once here so any front end shows the same facts.
 *
 * @packageDocumentation
 */
import { unreadableArchive } from '../manager/archive-open.js';
import { MetadataManager } from '../manager/metadata-manager.js';
import { isUpToDate, type SchemaDetection } from '../migrate/detect.js';
import type { StorageAdapter } from '../storage/adapter.js';
import { countRuns, countRunsByStatus } from './counts.js';

/** The v1 archive beside a database, as the status reports it. */
export interface ArchiveStatus {
  /** Where the archive is, in the adapter's words. */
  path: string;
  /** `null` when the archive cannot be read. */
  schemaVersion: string | null;
  /** Runs in the archive; `null` when it cannot be read. */
  runs: number | null;
  /** Why the archive cannot be read (a damaged archive is reported, not thrown). */
  error?: string;
  /**
   * What the archive's integrity check found (`ok` or the problems); present only
   * when the check was asked for ({@link StatusOptions.checkIntegrity}) and the
   * archive could be opened.
   */
  integrity?: string;
}

/** Drift from the expected v2 schema (empty for a newer database: see {@link readDatabaseStatus}). */
export interface SchemaDrift {
  missingColumns: string[];
  missingTables: string[];
  missingIndexes: string[];
  additionalColumns: string[];
}

/** What a database is, read without changing it. */
export interface DatabaseStatus {
  /** The database, in the adapter's words. */
  path: string;
  schemaVersion: SchemaDetection['version'];
  kind: SchemaDetection['kind'];
  /** Number of columns of the runs table. */
  runsColumns: number;
  /** Runs of the active database. */
  runs: number;
  /** Runs of the active database per status (see {@link countRunsByStatus}). */
  runsByStatus: Record<string, number>;
  /** The v1 archive, or `null` when there is none. */
  archive: ArchiveStatus | null;
  /**
   * `ok`, or what the integrity check found; `null` when it was not run (see
   * {@link StatusOptions.checkIntegrity}).
   */
  integrity: string | null;
  /** Whether the schema needs neither migration nor repair. */
  upToDate: boolean;
  drift: SchemaDrift;
}

/** What {@link readDatabaseStatus} needs of an open manager. */
export type StatusSource = Pick<
  MetadataManager,
  'query' | 'detection' | 'database' | 'checkIntegrity' | 'archiveName'
>;

/** Options of {@link readDatabaseStatus}. */
export interface StatusOptions {
  /** The adapter the manager was opened with (names the files, opens the archive). */
  adapter: StorageAdapter;
  /**
   * How an unreadable archive's error becomes its `error` text; a front end
   * passes its own wording (the CLI's hints). Default: the error's message.
   */
  describeError?: (error: unknown) => string;
  /**
   * Run the storage's integrity check too (SQLite's `PRAGMA integrity_check`, on
   * a server a full read of every table), of the database and of its v1 archive.
   * It reads everything — seconds for a million runs — so it is off by default:
   * `integrity` is then `null` and the archive has no `integrity`.
   */
  checkIntegrity?: boolean;
}

/**
 * Assemble the status of the database `manager` has open: schema version and
 * kind, run counts, the v1 archive (opened read-only and counted; a damaged one
 * is reported in `archive.error`, not thrown), the integrity check when asked
 * for and the drift from v2. A newer database is measured against a schema
 * older than its own, so what it "lacks" of v2 says nothing: its drift is empty.
 *
 * Without the integrity check nothing here reads the runs themselves: the
 * counts come from the `status` index (a handful of group rows) and the schema
 * from the catalog, so a million-run file answers in milliseconds. (A v1
 * archive has no index: its `count(*)` reads its table once.)
 */
export async function readDatabaseStatus(
  manager: StatusSource,
  options: StatusOptions,
): Promise<DatabaseStatus> {
  const { adapter } = options;
  const describeError =
    options.describeError ?? ((error) => (error instanceof Error ? error.message : String(error)));
  const detection = manager.detection;
  const runsByStatus = await countRunsByStatus(manager, {
    dialect: adapter.dialect?.name ?? 'sqlite',
  });
  const integrity = options.checkIntegrity ? await manager.checkIntegrity() : null;
  const archiveName = await manager.archiveName();
  let archive: ArchiveStatus | null = null;
  if (archiveName) {
    const archivePath = adapter.describe(archiveName);
    try {
      const old = await MetadataManager.open({ adapter, database: archiveName, readOnly: true });
      try {
        archive = {
          path: archivePath,
          schemaVersion: old.detection.version ?? '1.0',
          runs: await countRuns(old),
          ...(options.checkIntegrity ? { integrity: await old.checkIntegrity() } : {}),
        };
      } finally {
        await old.close();
      }
    } catch (error) {
      const message = describeError(
        unreadableArchive(error, archivePath, adapter.describe(manager.database)),
      );
      archive = { path: archivePath, schemaVersion: null, runs: null, error: message };
    }
  }
  const newer = detection.kind === 'newer';
  return {
    path: adapter.describe(manager.database),
    schemaVersion: detection.version,
    kind: detection.kind,
    runsColumns: detection.runsColumns.length,
    // Every run has one status group, so the groups add up to the count.
    runs: Object.values(runsByStatus).reduce((sum, n) => sum + n, 0),
    runsByStatus,
    archive,
    integrity,
    upToDate: isUpToDate(detection),
    drift: {
      missingColumns: newer ? [] : detection.missingColumns,
      missingTables: newer ? [] : detection.missingTables,
      missingIndexes: newer ? [] : detection.missingIndexes,
      additionalColumns: newer ? [] : detection.additionalColumns,
    },
  };
}
