/**
 * The shapes {@link MetadataManager}'s methods take: open options, record
 * batches, child and snapshot options, and the strict write shape of a whole
 * run. They live apart from the class so that the modules it delegates to can
 * name them without importing the class.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { RUN_COLUMNS } from '../columns/registry.js';
import type { RunMetadata } from '../columns/run-record.js';
import type { NeedsMigrationError } from '../errors.js';
import type { MigrationProgress } from '../migrate/execute.js';
import type { MigrationStrategy } from '../schema/migration-strategies.js';
import type { NarrativeSummary } from '../schema/narrative.js';
import type {
  MechanismUsageInput,
  ResolutionAssignmentInput,
  ValidationRecordInput,
} from '../schema/records.js';
import type { StorageAdapter } from '../storage/adapter.js';

/**
 * Options for {@link MetadataManager.open}. They are validated before anything is
 * opened (`ManagerOpenOptions`): a wrong value or an unknown key throws a
 * `ValidationError` naming it.
 */
export interface ManagerOptions {
  /** Where databases live (a folder, memory, IndexedDB...). */
  adapter: StorageAdapter;
  /** Name of the database in the adapter's container. Default `runs.db`. */
  database?: string;
  /** Migrate v1 (and repair v2) on open. Default `true`; `false` throws {@link NeedsMigrationError}. */
  autoMigrate?: boolean;
  /**
   * How to migrate v1: `archive` (default) or `carry-over`, optionally with
   * `backfill` (carry-over only); `pageSize` is the rows per copy and backfill
   * page (default 5000), each page reported to `onMigrationProgress`.
   */
  migration?: { strategy?: MigrationStrategy; backfill?: boolean; pageSize?: number };
  /** Open without writing anything, ever: no migration, no repair; writes throw. */
  readOnly?: boolean;
  /**
   * With `readOnly`: this manager stays open and must see what other processes
   * commit meanwhile (a dashboard, a monitor). Without it a backend may read a
   * snapshot taken at open (node-sqlite does for a small WAL-mode file that no
   * writer has open, so a short look leaves no side files); with it the file is
   * read in place, making the `-wal`/`-shm` files any reader of a WAL file makes
   * (where this user may not create them, it is still a snapshot:
   * `dataVersion()` then says null). Ignored without `readOnly`: a writer
   * always reads the live database.
   */
  live?: boolean;
  /** How long to wait for another process's migration lock. Default 60 000 ms. */
  lockTimeoutMs?: number;
  /** Progress of a migration run by `open`. */
  onMigrationProgress?: (progress: MigrationProgress) => void;
  /**
   * Cancels a migration run by `open` while the v2 database is still being built
   * aside; `open` then throws `InterruptedError` and the database is unchanged
   * (see `ApplyOptions.signal`).
   */
  signal?: AbortSignal;
}

/** The child-record batch accepted by {@link MetadataManager.recordBatch}. */
export interface RecordBatch {
  mechanisms?: readonly MechanismUsageInput[];
  resolutions?: readonly ResolutionAssignmentInput[];
  validations?: readonly ValidationRecordInput[];
}

/** Options for reading a run's child records. */
export interface ChildOptions {
  /** Read them from the archive when the run is not in the active database. */
  includeArchive?: boolean;
}

/** Options for {@link MetadataManager.getSnapshot}. */
export interface SnapshotOptions {
  /** The narrative to include (see `loadLatestNarrative` in `@runmeta/node-sqlite`). */
  narrative?: NarrativeSummary | null;
  /** Look the run up in the archive too. */
  includeArchive?: boolean;
}

/**
 * Strict write shape of a whole run, derived from the column registry: an
 * unknown key (a typo such as `tokenbudget`) is refused, not dropped.
 */
export const RunMetadataInput = z.extend(
  z.strictObject(
    Object.fromEntries(
      Object.entries(RUN_COLUMNS).map(([field, column]) => [
        field,
        field === 'runId' ? column.schema : z.nullish(column.schema as z.ZodMiniType),
      ]),
    ) as { [K in keyof typeof RUN_COLUMNS]: z.ZodMiniType },
  ),
  {
    extra: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
  },
);
/** A run to save with {@link MetadataManager.saveMetadata}: any read run, or a hand-made one. */
export type RunMetadataInput = Partial<Omit<RunMetadata, 'runId'>> & {
  runId: string;
};
