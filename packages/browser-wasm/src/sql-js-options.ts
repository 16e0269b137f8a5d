/**
 * The browser options, validated like every input (see `@runmeta/core`'s option
 * schemas): a wrong value or an unknown key is a `ValidationError` naming it,
 * before sql.js is loaded, a lock is taken or IndexedDB is opened.
 */
import {
  CallbackOption,
  DatabaseNameOption,
  DurationMs,
  NonEmptyText,
  PlainObjectOption,
} from '@runmeta/core/adapter';
import { z } from 'zod';

/** Where sql.js comes from (`SqlJsLoadOptions`). */
const LOAD_FIELDS = {
  locateFile: CallbackOption.optional(),
  /** An initialised sql.js module, or the promise of one. */
  sqlJs: PlainObjectOption.optional(),
};

/** Options of `loadSqlJs`. */
export const SqlJsLoadOptionsSchema = z.strictObject(LOAD_FIELDS);

/** An open sql.js database (`new SQL.Database(bytes)`). */
export const SqlJsDatabaseOption = z.custom<object>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    ['prepare', 'run', 'export', 'close'].every(
      (m) => typeof (value as Record<string, unknown>)[m] === 'function',
    ),
  { message: 'must be an sql.js database (new SQL.Database(bytes))' },
);

/** Options of `wrapSqlJsDatabase`. */
export const WrapSqlJsOptionsSchema = z.strictObject({
  readOnly: z.boolean().optional(),
  onCommit: CallbackOption.optional(),
  onClose: CallbackOption.optional(),
});

/** A size in bytes: a whole number of at least 1. */
const ByteCount = z.number().int('must be a whole number of bytes').min(1, 'must be at least 1');

/** Options of `createSqlJsAdapter`. */
export const SqlJsAdapterOptionsSchema = z.strictObject({
  ...LOAD_FIELDS,
  maxBytes: ByteCount.optional(),
  lockPrefix: NonEmptyText.optional(),
  onChange: CallbackOption.optional(),
  onCommit: CallbackOption.optional(),
});

/** Options of `openBrowserStore`. */
export const BrowserStoreOptionsSchema = z.strictObject({
  ...LOAD_FIELDS,
  name: NonEmptyText.optional(),
  access: z.enum(['write', 'read'], { error: () => 'must be "write" or "read"' }).optional(),
  lockTimeoutMs: DurationMs.optional(),
  autosaveMs: z
    .union([DurationMs, z.literal(false)], {
      error: () => 'must be a number of milliseconds (0 to 2147483647), or false',
    })
    .optional(),
  allowWithoutLocks: z.boolean().optional(),
  maxBytes: ByteCount.optional(),
  requestPersistence: z.boolean().optional(),
});

/** Options of `BrowserStore.importDatabase`. */
export const ImportDatabaseOptionsSchema = z.strictObject({
  name: DatabaseNameOption.optional(),
  replace: z.boolean().optional(),
});
