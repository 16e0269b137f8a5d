/**
 * The options of the manager's operations that take a storage adapter: opening,
 * planning, rollback, import and archive carry-over. Each is one strict zod schema,
 * built from the plain option parts in `schema/options.ts`.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
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
  database: z.optional(DatabaseNameOption),
  ...MANAGER_OPTION_FIELDS,
});

/** Options of `MetadataManager.plan` (a dry run: never read-only-or-not, never migrating). */
export const ManagerPlanOptions = z.omit(ManagerOpenOptions, { readOnly: true, autoMigrate: true });

/** Options of `MetadataManager.rollback`. */
export const RollbackOptionsSchema = z.strictObject({
  adapter: StorageAdapterOption,
  database: z.optional(DatabaseNameOption),
  confirm: z.boolean(),
  lockTimeoutMs: z.optional(DurationMs),
});

/** One end of an import. */
const DatabaseRefSchema = z.strictObject({
  adapter: StorageAdapterOption,
  database: z.optional(DatabaseNameOption),
});

/** Options of `importRunDatabase`. */
export const ImportOptionsSchema = z.strictObject({
  from: DatabaseRefSchema,
  to: DatabaseRefSchema,
  migration: z.optional(MigrationOptions),
  replace: z.optional(z.boolean()),
  lockTimeoutMs: z.optional(DurationMs),
  pageSize: z.optional(
    z.number().check(z.int('must be a whole number'), z.gte(1, 'must be at least 1')),
  ),
  onProgress: z.optional(CallbackOption),
  signal: z.optional(AbortSignalOption),
});

/** Options of `carryOverArchive` (`MetadataManager.carryOverArchive`). */
export const CarryOverArchiveOptionsSchema = z.strictObject({
  adapter: StorageAdapterOption,
  database: z.optional(DatabaseNameOption),
  backfill: z.optional(z.boolean()),
  dryRun: z.optional(z.boolean()),
  lockTimeoutMs: z.optional(DurationMs),
  pageSize: z.optional(PageSizeOption),
  onProgress: z.optional(CallbackOption),
  signal: z.optional(AbortSignalOption),
});
