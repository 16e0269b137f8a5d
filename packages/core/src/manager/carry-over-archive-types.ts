/**
 * The public shapes of `carryOverArchive`: its options, progress and result.
 *
 * @packageDocumentation
 */
import type { StorageAdapter } from '../storage/adapter.js';

/** Options for `carryOverArchive` (`MetadataManager.carryOverArchive`). */
export interface CarryOverArchiveOptions {
  /** The container of the database and its archive. */
  adapter: StorageAdapter;
  /** Name of the active (v2) database. Default `runs.db`. */
  database?: string;
  /** Compute the v2 metrics the v1 data allows for the carried runs. */
  backfill?: boolean;
  /** Only say what would be carried; open everything read-only and change nothing. */
  dryRun?: boolean;
  /** How long to wait for another process's migration lock. Default 60 000 ms. */
  lockTimeoutMs?: number;
  /** Rows per page. Default 1000. */
  pageSize?: number;
  /** Called after each page read (survey) or copied, and before the verification. */
  onProgress?: (progress: CarryOverArchiveProgress) => void;
  /**
   * Stops the work at its next page: the transaction rolls back, so the active
   * database is unchanged, and an `InterruptedError` says so.
   */
  signal?: AbortSignal;
}

/** Progress of `carryOverArchive`, one event per page. */
export interface CarryOverArchiveProgress {
  /** `survey`: reading the archive to count what to carry; `carry-over`: copying; `verify`. */
  step: 'survey' | 'carry-over' | 'verify';
  /** The table being read or copied. */
  table?: string;
  /** Rows read (survey) or copied (carry-over) of `table` so far. */
  done?: number;
  /** What `done` ends at. */
  total?: number;
}

/** What `carryOverArchive` did (or, with `dryRun`, would do). */
export interface CarryOverArchiveResult {
  dryRun: boolean;
  /** The active database. */
  databasePath: string;
  /** The archive read; null when the database has none (nothing to carry). */
  archivePath: string | null;
  /** Runs in the archive. */
  archiveRuns: number;
  /** Runs copied into the active database. */
  runsCarried: number;
  /** Archived runs the active database already held: skipped, the active copy kept. */
  runsSkipped: number;
  /** Rows copied per table (`runs` and each child table). */
  rowsCarried: Record<string, number>;
  /** Per child table: whether carried rows kept their archived ids or got new ones. */
  childIds: Record<string, 'kept' | 'renumbered'>;
  /**
   * Child tables whose archived ids are not distinct integers (duplicates, text,
   * nulls), so carried rows got new ids: the column of the active table that
   * keeps the archived ones, per table.
   */
  legacyIds: Record<string, string>;
  /** Child rows whose run is not in the archive, left there, per table. */
  orphanRows: Record<string, number>;
  /** Columns added to the active database (`table.column`), so no source column is lost. */
  addedColumns: string[];
  backfill: boolean;
  /** The integrity check after the copy; null for a dry run or when nothing was carried. */
  integrity: string | null;
  /** The statements the copy runs (`?` placeholders), for dry runs. */
  sql: string[];
}
