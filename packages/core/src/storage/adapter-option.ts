/**
 * The `adapter` option: a storage adapter, checked by its methods since adapters
 * are plain objects. It lives with the adapter contract, above the plain option
 * schemas, because its type is that contract.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import type { StorageAdapter } from './adapter.js';

const ADAPTER_METHODS = ['describe', 'open', 'exists', 'list', 'readBytes', 'writeBytes'] as const;

/** A {@link StorageAdapter} (checked by its methods, since adapters are plain objects). */
export const StorageAdapterOption = z.custom<StorageAdapter>(
  (value: unknown) =>
    typeof value === 'object' &&
    value !== null &&
    ADAPTER_METHODS.every((m) => typeof (value as Record<string, unknown>)[m] === 'function'),
  {
    message:
      'must be a storage adapter, e.g. createNodeSqliteAdapter({ directory }) or createSqlJsAdapter()',
  },
);
