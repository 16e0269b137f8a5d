/**
 * SQLite file images in and out of PostgreSQL. sql.js (SQLite compiled to
 * WebAssembly, no native build) reads or writes the image in memory, and core's
 * `copyTables` moves every table between it and a schema.
 */

import { createSqlJsAdapter } from '@runmeta/browser-wasm';
import {
  type CopyOptions,
  type CopyReport,
  copyTables,
  looksLikeSqlite,
  NotADatabaseError,
  openDatabase,
  type StorageAdapter,
} from '@runmeta/core';

const IMAGE = 'image.db';

/** Options for {@link importSqliteImage}. */
export interface ImageImportOptions extends CopyOptions {
  /** Replace an existing database of that name (default: refuse). */
  replace?: boolean;
}

/**
 * Copy every table of an SQLite image into the named database of `target`, built
 * aside and moved into place, so a failed import leaves nothing behind.
 */
export async function importSqliteImage(
  target: StorageAdapter,
  name: string,
  bytes: Uint8Array,
  options: ImageImportOptions = {},
): Promise<CopyReport> {
  if (!looksLikeSqlite(bytes)) {
    throw new NotADatabaseError(
      target.describe(name),
      'was given bytes that are not an SQLite database',
      { hint: 'Import a runs.db file written by runmeta or the earlier tool' },
    );
  }
  const images = await createSqlJsAdapter({ maxBytes: Number.MAX_SAFE_INTEGER });
  await images.writeBytes(IMAGE, bytes);
  const source = await openDatabase(images, IMAGE, { readOnly: true });
  try {
    return await copyInto(source, target, name, options);
  } finally {
    await source.close();
  }
}

/** Copy an open source database into `name` on `target`, aside first. */
export async function copyInto(
  source: Awaited<ReturnType<typeof openDatabase>>,
  target: StorageAdapter,
  name: string,
  options: ImageImportOptions = {},
): Promise<CopyReport> {
  const aside = `${name}.importing`;
  await target.remove(aside);
  const built = await openDatabase(target, aside);
  let report: CopyReport;
  try {
    report = await copyTables(source, built, options);
  } catch (error) {
    await built.close();
    await target.remove(aside);
    throw error;
  } finally {
    await built.close();
  }
  if (options.replace) await target.remove(name);
  try {
    await target.move(aside, name);
  } catch (error) {
    await target.remove(aside);
    throw error;
  }
  return report;
}

/** The named database of `source` as a new SQLite image (every table, every row, in order). */
export async function exportSqliteImage(source: StorageAdapter, name: string): Promise<Uint8Array> {
  const images = await createSqlJsAdapter({ maxBytes: Number.MAX_SAFE_INTEGER });
  const from = await openDatabase(source, name, { readOnly: true });
  try {
    const to = await openDatabase(images, IMAGE);
    try {
      await copyTables(from, to);
    } finally {
      await to.close();
    }
  } finally {
    await from.close();
  }
  return images.readBytes(IMAGE);
}
