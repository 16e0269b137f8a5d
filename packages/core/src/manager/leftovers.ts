/**
 * What interrupted work leaves beside a database, and what will become of it: a
 * migration's aside (`runs.db.v2-building`), a rollback's restoring copy
 * (`runs.db.v1-restoring`), an import's aside (`runs.db.importing`), and lock
 * files whose holder stopped. `status` and dry runs report them; the next
 * migration (or import) deals with them as described here.
 *
 * @packageDocumentation
 */
import { TABLES } from '../columns/registry.js';
import { asideNameFor, importingNameFor, restoringNameFor } from '../migrate/working-names.js';
import { DatabaseNameOption } from '../schema/options.js';
import { parseInput } from '../schema/validate.js';
import { quoteIdent } from '../sql/quote.js';
import type { LockHolderNote, StorageAdapter, StoredFile } from '../storage/adapter.js';
import { StorageAdapterOption } from '../storage/adapter-option.js';
import { openDatabase } from '../storage/open-database.js';

/** What will happen to a {@link Leftover}. */
export type LeftoverFate =
  /** The next migration (any open for writing) deletes it: the database was never changed. */
  | 'removed-by-next-migration'
  /** It is complete and the database is missing: the next migration moves it into place. */
  | 'installed-by-next-migration'
  /** The next import into the database deletes it before copying. */
  | 'removed-by-next-import'
  /** Nothing: a running process is using it (a migration or import in progress). */
  | 'in-use';

/** Something interrupted work left beside a database. */
export interface Leftover {
  /** Its name in the container, e.g. `runs.db.v2-building`. */
  name: string;
  /** Where it is, for people (a path). */
  location: string;
  /** The work that made it. */
  kind: 'migration' | 'rollback' | 'import' | 'lock';
  /** Bytes on disk, side files included; null when the storage cannot tell. */
  bytes: number | null;
  /** Its files with their sizes (file storage only; empty elsewhere). */
  files: StoredFile[];
  /** What will happen to it. */
  fate: LeftoverFate;
  /** The process that holds or held the lock involved, when its note says. */
  holder: LockHolderNote | null;
}

async function filesOf(
  adapter: StorageAdapter,
  name: string,
  roles: readonly StoredFile['role'][],
): Promise<{ files: StoredFile[]; bytes: number | null; present: boolean }> {
  if (adapter.files) {
    const files = (await adapter.files(name)).filter((f) => roles.includes(f.role));
    return { files, bytes: files.reduce((n, f) => n + f.bytes, 0), present: files.length > 0 };
  }
  return {
    files: [],
    bytes: null,
    present: roles.includes('database') && (await adapter.exists(name)),
  };
}

/** Whether an aside holds a finished migration (its history row is written). */
async function isComplete(adapter: StorageAdapter, name: string): Promise<boolean> {
  try {
    const db = await openDatabase(adapter, name, { readOnly: true });
    try {
      const rows = await db.all(
        `SELECT count(*) AS n FROM ${quoteIdent(TABLES.history.name)} WHERE "kind" IN ('migrate', 'create')`,
      );
      return Number(rows[0]?.n ?? 0) > 0;
    } finally {
      await db.close();
    }
  } catch {
    return false;
  }
}

/**
 * Find what interrupted work left beside `database`. Reads only: nothing is
 * opened for writing, no lock is taken.
 */
export async function findLeftovers(
  adapter: StorageAdapter,
  database = 'runs.db',
): Promise<Leftover[]> {
  parseInput(StorageAdapterOption, adapter, 'adapter', 'read');
  parseInput(DatabaseNameOption, database, 'database', 'read');
  const found: Leftover[] = [];
  const holderOf = async (name: string) => (await adapter.lockHolder?.(name)) ?? null;
  const migrationHolder = await holderOf(database);
  const migrating = migrationHolder?.running === true;
  const databaseExists = await adapter.exists(database);
  const add = async (
    name: string,
    kind: Leftover['kind'],
    roles: readonly StoredFile['role'][],
    fate: () => Promise<LeftoverFate>,
    holder: LockHolderNote | null,
  ) => {
    const { files, bytes, present } = await filesOf(adapter, name, roles);
    if (!present) return;
    found.push({
      name,
      location: adapter.describe(name),
      kind,
      bytes,
      files,
      fate: await fate(),
      holder,
    });
  };
  const all = ['database', 'side', 'lock'] as const;
  for (const [name, kind] of [
    [asideNameFor(database), 'migration'],
    [restoringNameFor(database), 'rollback'],
  ] as const) {
    await add(
      name,
      kind,
      all,
      async () =>
        migrating
          ? 'in-use'
          : databaseExists
            ? 'removed-by-next-migration'
            : // A rollback's copy is complete from the start; an aside once its history row is in.
              kind === 'rollback' || (await isComplete(adapter, name))
              ? 'installed-by-next-migration'
              : 'removed-by-next-migration',
      migrating ? migrationHolder : null,
    );
  }
  const importing = importingNameFor(database);
  const importHolder = await holderOf(importing);
  await add(
    importing,
    'import',
    all,
    async () => (importHolder?.running === true ? 'in-use' : 'removed-by-next-import'),
    importHolder,
  );
  await add(
    database,
    'lock',
    ['lock'],
    async () => (migrating ? 'in-use' : 'removed-by-next-migration'),
    migrationHolder,
  );
  return found;
}
