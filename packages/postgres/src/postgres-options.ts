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
import { z } from 'zod';

/** Options of `createPostgresAdapter`. */
export const PostgresAdapterOptionsSchema = z.strictObject({
  connectionString: NonEmptyText.optional(),
  /** node-postgres client settings, passed through as they are. */
  client: PlainObjectOption.optional(),
  schemaPrefix: z.string().optional(),
});

/** Options of `openPostgresRunDatabase` (besides the URL). */
export const OpenPostgresOptionsSchema = z.strictObject({
  ...MANAGER_OPTION_FIELDS,
  client: PlainObjectOption.optional(),
});

/** Options of `importSqliteImage`: those of a database copy (`signal` included). */
export const ImageImportOptionsSchema = CopyDatabaseOptionsSchema;

/** The bytes of an SQLite file image. */
export const BytesOption = z.instanceof(Uint8Array, { error: () => 'must be a Uint8Array' });
