/**
 * The node-sqlite options, validated like every input (see `@runmeta/core`'s
 * option schemas): a wrong value or an unknown key is a `ValidationError` naming
 * it, thrown before any file is opened.
 */
import {
  CallbackOption,
  DurationMs,
  MANAGER_OPTION_FIELDS,
  NonEmptyText,
  parseOptions,
} from '@runmeta/core/adapter';
import * as z from 'zod/mini';

/** Options of `createNodeSqliteAdapter({ directory })`. */
export const DirectoryAdapterOptions = z.strictObject({
  directory: NonEmptyText,
  busyTimeoutMs: z.optional(DurationMs),
  mapReadOnly: z.optional(z.boolean()),
});

/** Options of `createNodeSqliteAdapter({ memory: true })`. */
export const MemoryAdapterOptions = z.strictObject({
  memory: z.literal(true, { error: () => 'must be true (or give directory instead)' }),
});

/** Options of `openRunDatabase` (besides the file). */
export const OpenRunDatabaseOptions = z.strictObject({
  ...MANAGER_OPTION_FIELDS,
  busyTimeoutMs: z.optional(DurationMs),
});

/** Options of `loadLatestNarrative`. */
export const LoadNarrativeOptionsSchema = z.strictObject({
  onWarning: z.optional(CallbackOption),
});

/** Check `createNodeSqliteAdapter` options: a folder, or memory. */
export function parseAdapterOptions(options: unknown) {
  const memory = typeof options === 'object' && options !== null && 'memory' in options;
  return memory
    ? parseOptions(MemoryAdapterOptions, options)
    : parseOptions(DirectoryAdapterOptions, options);
}
