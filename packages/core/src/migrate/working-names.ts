/**
 * Every name runmeta gives a file (or, on a server, a schema) of its own beside a
 * database, in one module, so that whatever makes one of them and whatever looks
 * for it later — rollback, leftovers, the archive guard, `status`, an adapter
 * sizing its names — spell it the same way:
 *
 * - siblings that stay: the v1 archive `runs_v1_archive.db` and a rollback's
 *   backup `runs_v2_backup.db` (numbered `_2`, `_3`... when taken);
 * - working names, gone once the work is done: a migration's aside
 *   `runs.db.v2-building`, a rollback's restoring copy `runs.db.v1-restoring`,
 *   an import's aside `runs.db.importing`, and the database an import replaces
 *   `runs_replaced.db` (removed once the new one is in use);
 * - file storage only: the migration lock `runs.db.runmeta-lock` and its note
 *   `runs.db.runmeta-lock.json`, an export's partial file `<out>.runmeta-partial`,
 *   and SQLite's own side files (`-wal`, `-shm`, `-journal`), which move and go
 *   with their database.
 *
 * @packageDocumentation
 */

/** What a v1 archive's name adds to its database's stem: `runs.db` → `runs_v1_archive.db`. */
export const ARCHIVE_SUFFIX = '_v1_archive';
/** What a rollback's backup name adds to its database's stem: `runs.db` → `runs_v2_backup.db`. */
export const BACKUP_SUFFIX = '_v2_backup';
/** What the database an import replaced is renamed to until the new one is in use: `runs_replaced.db`. */
export const REPLACED_SUFFIX = '_replaced';
/** A migration's aside: the v2 database being built, `runs.db.v2-building`. */
export const ASIDE_SUFFIX = '.v2-building';
/** A rollback's copy of the archive on its way to the database's name: `runs.db.v1-restoring`. */
export const RESTORING_SUFFIX = '.v1-restoring';
/** An import's aside: the copy being built on the target, `runs.db.importing`. */
export const IMPORTING_SUFFIX = '.importing';
/** The working names' suffixes: an adapter whose names are limited keeps room for the longest. */
export const WORKING_SUFFIXES = [ASIDE_SUFFIX, RESTORING_SUFFIX, IMPORTING_SUFFIX] as const;

/** The migration lock file beside a database (file storage): `runs.db.runmeta-lock`. */
export const LOCK_SUFFIX = '.runmeta-lock';
/** The note naming the lock's holder (pid, host, since when): `runs.db.runmeta-lock.json`. */
export const LOCK_NOTE_SUFFIX = `${LOCK_SUFFIX}.json`;
/** Where an export is written before it is moved into place: `<out>.runmeta-partial`. */
export const PARTIAL_EXPORT_SUFFIX = '.runmeta-partial';
/** SQLite's side files of a database (it names and opens them itself). */
export const SQLITE_SIDE_SUFFIXES = ['-wal', '-shm', '-journal'] as const;

/** Sibling name: `runs.db` + `_v1_archive` → `runs_v1_archive.db`. */
export function siblingName(
  database: string,
  suffix: string,
  existing: readonly string[] = [],
): string {
  const dot = database.lastIndexOf('.');
  const stem = dot > 0 ? database.slice(0, dot) : database;
  const ext = dot > 0 ? database.slice(dot) : '';
  let candidate = `${stem}${suffix}${ext}`;
  for (let n = 2; existing.includes(candidate); n++) candidate = `${stem}${suffix}_${n}${ext}`;
  return candidate;
}

/** Name of a database's v1 archive; numbered when the usual one is among `existing`. */
export function archiveNameFor(database: string, existing: readonly string[] = []): string {
  return siblingName(database, ARCHIVE_SUFFIX, existing);
}

/** Name of a rollback's backup of the v2 database; numbered when the usual one is among `existing`. */
export function backupNameFor(database: string, existing: readonly string[] = []): string {
  return siblingName(database, BACKUP_SUFFIX, existing);
}

/** An archive's stem: its database's stem, the suffix, and `_<n>` (n ≥ 2) when numbered. */
const ARCHIVE_STEM = new RegExp(`^(.+)${ARCHIVE_SUFFIX}(?:_(\\d+))?$`);

/**
 * The database an archive's name belongs to (`runs_v1_archive.db` and
 * `runs_v1_archive_2.db` → `runs.db`), or null when `name` is not an archive's:
 * the inverse of {@link archiveNameFor}.
 */
export function archiveOwner(name: string): string | null {
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  const match = ARCHIVE_STEM.exec(stem);
  if (!match || (match[2] !== undefined && Number(match[2]) < 2)) return null;
  return `${match[1]}${ext}`;
}

/** Name of the database a migration builds before moving it into place. */
export function asideNameFor(database: string): string {
  return `${database}${ASIDE_SUFFIX}`;
}

/** Name used while an archive is being restored (recovered on next open). */
export function restoringNameFor(database: string): string {
  return `${database}${RESTORING_SUFFIX}`;
}

/** Name the database an import replaces is kept under meanwhile; numbered when among `existing`. */
export function replacedNameFor(database: string, existing: readonly string[] = []): string {
  return siblingName(database, REPLACED_SUFFIX, existing);
}

/** Name of an import's aside copy of `database`. */
export function importingNameFor(database: string): string {
  return `${database}${IMPORTING_SUFFIX}`;
}
