/**
 * Opening a named database of a storage adapter as a core {@link Database}. Its
 * own module because everything that touches a database opens it this way — the
 * migration executor, carry-over, rollback, leftovers, import — and none of them
 * should depend on another to do it.
 *
 * @packageDocumentation
 */
import { classifySqliteError } from '../error-classification.js';
import { DatabaseNameOption, OpenOptionsSchema, parseOptions } from '../schema/options.js';
import { parseInput } from '../schema/validate.js';
import type { OpenOptions, StorageAdapter } from './adapter.js';
import { StorageAdapterOption } from './adapter-option.js';
import { Database } from './database.js';

/** Open a named database as a core {@link Database}, with typed open errors. */
export async function openDatabase(
  adapter: StorageAdapter,
  name: string,
  options: OpenOptions = {},
): Promise<Database> {
  parseInput(StorageAdapterOption, adapter, 'adapter');
  parseInput(DatabaseNameOption, name, 'name');
  parseOptions(OpenOptionsSchema, options);
  const location = adapter.describe(name);
  try {
    return new Database(await adapter.open(name, options), location, adapter.dialect);
  } catch (error) {
    throw classifySqliteError(error, location);
  }
}
