/**
 * The SQLite image codec, loaded on first use. Images go through an in-memory
 * better-sqlite3 database (`@runmeta/node-sqlite`), a native addon that most
 * PostgreSQL users never need: it is an optional peer dependency, imported only
 * when `readBytes`/`writeBytes` run, so `npm i @runmeta/postgres` compiles
 * nothing and the rest of the adapter works without it.
 */
import { StorageError } from '@runmeta/core';

/** The packages the codec needs that may be missing. */
const OPTIONAL_PACKAGES = ['@runmeta/node-sqlite', 'better-sqlite3'] as const;

/** The codec module's shape (the `@runmeta/postgres/sqlite-image` entry). */
export type SqliteImageCodec = typeof import('./sqlite-image.js');

/** Import the codec; a missing optional package becomes a typed error saying what to install. */
export async function loadSqliteImageCodec(
  load: () => Promise<SqliteImageCodec> = () => import('./sqlite-image.js'),
): Promise<SqliteImageCodec> {
  try {
    return await load();
  } catch (error) {
    throw codecUnavailable(error);
  }
}

/**
 * The error for a failed import of the codec: a {@link StorageError} naming the
 * package to install when one of {@link OPTIONAL_PACKAGES} is missing, else the
 * error itself (a broken install is not a missing one).
 */
export function codecUnavailable(error: unknown): unknown {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const missing =
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    typeof message === 'string' &&
    OPTIONAL_PACKAGES.some((name) => message.includes(`'${name}'`));
  if (!missing) return error;
  return new StorageError(
    'SQLite images (readBytes/writeBytes on PostgreSQL) need @runmeta/node-sqlite, which is not installed',
    {
      cause: error,
      hint: 'Install it beside @runmeta/postgres: npm install @runmeta/node-sqlite',
    },
  );
}
