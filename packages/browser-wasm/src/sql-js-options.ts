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
import * as z from 'zod/mini';

/** Where sql.js comes from (`SqlJsLoadOptions`). */
const LOAD_FIELDS = {
  locateFile: z.optional(CallbackOption),
  /** An initialised sql.js module, or the promise of one. */
  sqlJs: z.optional(PlainObjectOption),
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
  readOnly: z.optional(z.boolean()),
  onCommit: z.optional(CallbackOption),
  onClose: z.optional(CallbackOption),
});

/** A size in bytes: a whole number of at least 1. */
const ByteCount = z
  .number()
  .check(z.int('must be a whole number of bytes'), z.gte(1, 'must be at least 1'));

/** Options of `createSqlJsAdapter`. */
export const SqlJsAdapterOptionsSchema = z.strictObject({
  ...LOAD_FIELDS,
  maxBytes: z.optional(ByteCount),
  lockPrefix: z.optional(NonEmptyText),
  onChange: z.optional(CallbackOption),
  onCommit: z.optional(CallbackOption),
});

/** Options of `openBrowserStore`. */
export const BrowserStoreOptionsSchema = z.strictObject({
  ...LOAD_FIELDS,
  name: z.optional(NonEmptyText),
  access: z.optional(z.enum(['write', 'read'], { error: () => 'must be "write" or "read"' })),
  lockTimeoutMs: z.optional(DurationMs),
  autosaveMs: z.optional(
    z.union([DurationMs, z.literal(false)], {
      error: () => 'must be a number of milliseconds (0 to 2147483647), or false',
    }),
  ),
  allowWithoutLocks: z.optional(z.boolean()),
  maxBytes: z.optional(ByteCount),
  requestPersistence: z.optional(z.boolean()),
});

/** Options of `BrowserStore.importDatabase`. */
export const ImportDatabaseOptionsSchema = z.strictObject({
  name: z.optional(DatabaseNameOption),
  replace: z.optional(z.boolean()),
});
