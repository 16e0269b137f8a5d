/**
 * `@runmeta/postgres/sqlite-image` — SQLite file images in and out of PostgreSQL.
 * An in-memory SQLite database of `@runmeta/node-sqlite` (better-sqlite3
 * deserialises and serialises images) holds the image, and core's `copyTables`
 * moves every table between it and a schema. A separate entry because
 * better-sqlite3 is a native addon: `@runmeta/node-sqlite` is an optional peer
 * dependency, needed only here.
 *
 * ```ts
 * import { exportSqliteImage } from '@runmeta/postgres/sqlite-image';
 * ```
 *
 * @packageDocumentation
 */

import { createNodeSqliteAdapter } from '@runmeta/node-sqlite';

const imageAdapter = async () => createNodeSqliteAdapter({ memory: true });

import { NotADatabaseError, openDatabase, type StorageAdapter } from '@runmeta/core';
import {
  type CopyOptions,
  type CopyReport,
  copyDatabase,
  copyTables,
  DatabaseNameOption,
  looksLikeSqlite,
  parseInput,
  parseOptions,
  StorageAdapterOption,
} from '@runmeta/core/adapter';
import { BytesOption, ImageImportOptionsSchema } from './postgres-options.js';

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
  given: ImageImportOptions = {},
): Promise<CopyReport> {
  parseInput(StorageAdapterOption, target, 'target');
  parseInput(DatabaseNameOption, name, 'name');
  parseInput(BytesOption, bytes, 'bytes');
  const options = parseOptions(ImageImportOptionsSchema, given) as ImageImportOptions;
  if (!looksLikeSqlite(bytes)) {
    throw new NotADatabaseError(
      target.describe(name),
      'was given bytes that are not an SQLite database',
      { hint: 'Import a runs.db file written by runmeta or the earlier tool' },
    );
  }
  const images = await imageAdapter();
  await images.writeBytes(IMAGE, bytes);
  const source = await openDatabase(images, IMAGE, { readOnly: true, exactIntegers: true });
  try {
    const { replaced, ...report } = await copyDatabase(source, target, name, options);
    // writeBytes replaces outright: the bytes are the whole new database.
    if (replaced) await target.remove(replaced);
    return report;
  } finally {
    await source.close();
  }
}

/** The named database of `source` as a new SQLite image (every table, every row, in order). */
export async function exportSqliteImage(source: StorageAdapter, name: string): Promise<Uint8Array> {
  parseInput(StorageAdapterOption, source, 'source', 'read');
  parseInput(DatabaseNameOption, name, 'name', 'read');
  const images = await imageAdapter();
  const from = await openDatabase(source, name, { readOnly: true, exactIntegers: true });
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
