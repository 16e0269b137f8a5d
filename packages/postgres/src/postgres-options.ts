/**
 * The PostgreSQL options, validated like every input (see `@runmeta/core`'s
 * option schemas): a wrong value or an unknown key is a `ValidationError` naming
 * it, before any connection is made.
 */
import {
  CopyDatabaseOptionsSchema,
  MANAGER_OPTION_FIELDS,
  NonEmptyText,
  PlainObjectOption,
} from '@runmeta/core/adapter';
import * as z from 'zod/mini';

/** Options of `createPostgresAdapter`. */
export const PostgresAdapterOptionsSchema = z.strictObject({
  connectionString: z.optional(NonEmptyText),
  /** node-postgres client settings, passed through as they are. */
  client: z.optional(PlainObjectOption),
  schemaPrefix: z.optional(z.string()),
});

/** Options of `openPostgresRunDatabase` (besides the URL). */
export const OpenPostgresOptionsSchema = z.strictObject({
  ...MANAGER_OPTION_FIELDS,
  client: z.optional(PlainObjectOption),
});

/** Options of `importSqliteImage`: those of a database copy (`signal` included). */
export const ImageImportOptionsSchema = CopyDatabaseOptionsSchema;

/** The bytes of an SQLite file image. */
export const BytesOption = z.instanceof(Uint8Array, { error: () => 'must be a Uint8Array' });
