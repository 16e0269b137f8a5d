/**
 * The options of the manager's operations that take a storage adapter: opening,
 * planning, rollback, import and archive carry-over. Each is one strict zod schema,
 * built from the plain option parts in `schema/options.ts`.
 *
 * @packageDocumentation
 */
import { z } from 'zod';
import {
  AbortSignalOption,
  CallbackOption,
  DatabaseNameOption,
  DurationMs,
  MANAGER_OPTION_FIELDS,
  MigrationOptions,
  PageSizeOption,
} from '../schema/options.js';
import { StorageAdapterOption } from '../storage/adapter-option.js';

/** Options of `MetadataManager.open`. */
export const ManagerOpenOptions = z.strictObject({
  adapter: StorageAdapterOption,
  database: DatabaseNameOption.optional(),
  ...MANAGER_OPTION_FIELDS,
});

/** Options of `MetadataManager.plan` (a dry run: never read-only-or-not, never migrating). */
export const ManagerPlanOptions = ManagerOpenOptions.omit({ readOnly: true, autoMigrate: true });

/** Options of `MetadataManager.rollback`. */
export const RollbackOptionsSchema = z.strictObject({
  adapter: StorageAdapterOption,
  database: DatabaseNameOption.optional(),
  confirm: z.boolean(),
  lockTimeoutMs: DurationMs.optional(),
});

/** One end of an import. */
const DatabaseRefSchema = z.strictObject({
  adapter: StorageAdapterOption,
  database: DatabaseNameOption.optional(),
});

/** Options of `importRunDatabase`. */
export const ImportOptionsSchema = z.strictObject({
  from: DatabaseRefSchema,
  to: DatabaseRefSchema,
  migration: MigrationOptions.optional(),
  replace: z.boolean().optional(),
  lockTimeoutMs: DurationMs.optional(),
  pageSize: z.number().int('must be a whole number').min(1, 'must be at least 1').optional(),
  onProgress: CallbackOption.optional(),
  signal: AbortSignalOption.optional(),
});

/** Options of `carryOverArchive` (`MetadataManager.carryOverArchive`). */
export const CarryOverArchiveOptionsSchema = z.strictObject({
  adapter: StorageAdapterOption,
  database: DatabaseNameOption.optional(),
  backfill: z.boolean().optional(),
  dryRun: z.boolean().optional(),
  lockTimeoutMs: DurationMs.optional(),
  pageSize: PageSizeOption.optional(),
  onProgress: CallbackOption.optional(),
  signal: AbortSignalOption.optional(),
});
