/**
 * Container operations (exists / move / copy / remove / bytes) for a folder of
 * SQLite files and for an in-memory map of serialised databases.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ArchiveConflictError, StorageError, type StoredFile } from '@runmeta/core';

/** SQLite's side files of a database. */
const SIDE_SUFFIXES = ['-wal', '-shm', '-journal'] as const;
/** The migration lock of a database, and the note naming its holder. */
export const LOCK_SUFFIX = '.runmeta-lock';
/** Super-journals of multi-database commits (`runs.db-mj1A2B3C`). */
const HIDDEN_PATTERN = /-mj[0-9A-F]+$/i;
const HIDDEN_SUFFIXES = [
  ...SIDE_SUFFIXES,
  LOCK_SUFFIX,
  `${LOCK_SUFFIX}-journal`,
  `${LOCK_SUFFIX}.json`,
];

/** Every file that can belong to a database, and what it is. */
const FILE_ROLES: readonly [string, StoredFile['role']][] = [
  ['', 'database'],
  ...SIDE_SUFFIXES.map((suffix): [string, StoredFile['role']] => [suffix, 'side']),
  ...[LOCK_SUFFIX, `${LOCK_SUFFIX}.json`, `${LOCK_SUFFIX}-journal`].map(
    (suffix): [string, StoredFile['role']] => [suffix, 'lock'],
  ),
];

function nonEmpty(file: string): boolean {
  return (fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0) > 0;
}

function refuseOverwrite(describe: (name: string) => string, to: string): never {
  throw new ArchiveConflictError(
    `${describe(to)} already exists and would be overwritten`,
    'Move or rename it first; runmeta never overwrites a database',
  );
}

/** A folder of database files. */
export function createFileContainer(directory: string) {
  const resolve = (name: string) => path.join(directory, name);
  const exists = (name: string) => fs.existsSync(resolve(name));
  const container = {
    path: (name: string) => resolve(name),
    ensureDirectory() {
      fs.mkdirSync(directory, { recursive: true });
    },
    async exists(name: string) {
      return exists(name);
    },
    async move(from: string, to: string) {
      const source = resolve(from);
      // A non-empty WAL holds committed rows the main file lacks: moving the main
      // file alone would lose them. Core checkpoints first, so this is a guard.
      if (nonEmpty(`${source}-wal`)) {
        throw new StorageError(
          `${source} has un-checkpointed WAL content; open and close it to checkpoint, then retry`,
        );
      }
      // Core moves databases only while holding the migration lock, so checking
      // then renaming cannot race another runmeta process; rename() itself is
      // atomic, which is what crash safety needs (a link()+unlink() pair would
      // leave both names behind if killed in between).
      if (exists(to)) refuseOverwrite(resolve, to);
      // A rollback journal travels with its database, and first: a journal left
      // behind would sit next to the *next* file under this name. If it is hot,
      // SQLite rolls it back when the moved file is opened; if stale, it is ignored.
      if (fs.existsSync(`${source}-journal`)) {
        fs.renameSync(`${source}-journal`, `${resolve(to)}-journal`);
      }
      fs.renameSync(source, resolve(to));
      // Empty WAL and shared-memory files belong to no one now.
      for (const suffix of ['-wal', '-shm']) fs.rmSync(`${source}${suffix}`, { force: true });
    },
    async copy(from: string, to: string) {
      if (nonEmpty(`${resolve(from)}-wal`)) {
        throw new StorageError(
          `${resolve(from)} has un-checkpointed WAL content; a file copy would miss it`,
        );
      }
      if (exists(to)) refuseOverwrite(resolve, to);
      fs.copyFileSync(resolve(from), resolve(to), fs.constants.COPYFILE_EXCL);
    },
    async remove(name: string) {
      for (const suffix of ['', ...SIDE_SUFFIXES]) {
        fs.rmSync(`${resolve(name)}${suffix}`, { force: true });
      }
      // Super-journals (`<name>-mj…`) of a multi-database commit killed half-way.
      if (fs.existsSync(directory)) {
        for (const entry of fs.readdirSync(directory)) {
          if (entry.startsWith(`${name}-mj`))
            fs.rmSync(path.join(directory, entry), { force: true });
        }
      }
    },
    async readBytes(name: string) {
      return new Uint8Array(fs.readFileSync(resolve(name)));
    },
    async writeBytes(name: string, bytes: Uint8Array) {
      container.ensureDirectory();
      // Stale side files would be replayed over the new bytes by SQLite.
      for (const suffix of SIDE_SUFFIXES) fs.rmSync(`${resolve(name)}${suffix}`, { force: true });
      fs.writeFileSync(resolve(name), bytes);
    },
    /** The database file, its side files and its lock files, with sizes. */
    async files(name: string): Promise<StoredFile[]> {
      const found: StoredFile[] = [];
      for (const [suffix, role] of FILE_ROLES) {
        const stat = fs.statSync(resolve(`${name}${suffix}`), { throwIfNoEntry: false });
        if (stat?.isFile()) found.push({ name: `${name}${suffix}`, bytes: stat.size, role });
      }
      return found;
    },
    async list() {
      if (!fs.existsSync(directory)) return [];
      return fs
        .readdirSync(directory, { withFileTypes: true })
        .filter(
          (e) =>
            e.isFile() &&
            !HIDDEN_SUFFIXES.some((s) => e.name.endsWith(s)) &&
            !HIDDEN_PATTERN.test(e.name),
        )
        .map((e) => e.name)
        .sort();
    },
  };
  return container;
}
