/**
 * Container operations (exists / move / copy / remove / bytes) for a folder of
 * SQLite files and for an in-memory map of serialised databases.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FileSystemError, NotADatabaseError, StorageError } from '@runmeta/core';
import {
  fileSystemError,
  LOCK_NOTE_SUFFIX,
  LOCK_SUFFIX,
  overwriteRefused,
  type StoredFile,
} from '@runmeta/core/adapter';
import {
  checkDatabaseFiles,
  entryKind,
  openOwnFile,
  readRegularFile,
  removeOwnFile,
  SIDE_SUFFIXES,
  writeAll,
} from './node-sqlite-files.js';

/** Super-journals of multi-database commits (`runs.db-mj1A2B3C`). */
const HIDDEN_PATTERN = /-mj[0-9A-F]+$/i;
/** runmeta's lock file, its journal and its note. */
const LOCK_SUFFIXES = [LOCK_SUFFIX, `${LOCK_SUFFIX}-journal`, LOCK_NOTE_SUFFIX];

/** Every file that can belong to a database, and what it is. */
const FILE_ROLES: readonly [string, StoredFile['role']][] = [
  ['', 'database'],
  ...SIDE_SUFFIXES.map((suffix): [string, StoredFile['role']] => [suffix, 'side']),
  ...[LOCK_SUFFIX, LOCK_NOTE_SUFFIX, `${LOCK_SUFFIX}-journal`].map(
    (suffix): [string, StoredFile['role']] => [suffix, 'lock'],
  ),
];

function nonEmpty(file: string): boolean {
  try {
    return fs.statSync(file).size > 0;
  } catch {
    return false; // missing, or unreachable: either way no content to lose
  }
}

/**
 * Run a file-system step; a system error (EACCES, ENOTDIR, ENOSPC...) becomes a
 * typed `FileSystemError` naming what was attempted, the path and the reason.
 */
export function onPath<T>(action: string, file: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw fileSystemError(error, action, file);
  }
}

/**
 * Create a folder and any missing parents (`mkdir -p`), one level at a time.
 * Node's own recursive mkdir never returns where a parent answers ENOENT to every
 * mkdir (under /proc, for one): it retries forever. Level by level, that is an
 * ordinary error naming the level that could not be made.
 */
export function makeDirectory(folder: string): void {
  const missing: string[] = [];
  for (let level = path.resolve(folder); !fs.existsSync(level); level = path.dirname(level)) {
    missing.unshift(level);
    if (path.dirname(level) === level) break;
  }
  for (const level of missing) {
    try {
      fs.mkdirSync(level);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
      // A link to nothing: existsSync said no, mkdir says taken.
      if (entryKind(level) === 'symlink' && !fs.existsSync(level)) {
        throw new FileSystemError('cannot create the folder', level, 'EEXIST', {
          cause: error,
          hint: `It is a symbolic link to ${fs.readlinkSync(level)}, which does not exist: point it at a folder, or remove it`,
        });
      }
      // Made meanwhile by another process: fine, as long as it is a folder.
      if (!fs.statSync(level).isDirectory()) throw error;
    }
  }
}

/** Whether anything at all — a file, a folder, a link (even a dangling one), a pipe — is at `file`. */
function taken(file: string): boolean {
  try {
    return entryKind(file) !== null;
  } catch {
    return false; // unreachable (EACCES, ENOTDIR): opening it reports why
  }
}

/** A folder of database files. */
export function createFileContainer(directory: string) {
  const resolve = (name: string) => {
    // Names come from core and from a database's own history row: one that climbs
    // out of the folder (`../outside.db`) must never be moved, copied or removed.
    const relative = path.relative(path.resolve(directory), path.resolve(directory, name));
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
      throw new NotADatabaseError(
        JSON.stringify(name),
        `is not a name inside the folder ${path.resolve(directory)}`,
        { hint: 'runmeta keeps a database, its archive and its backups in one folder' },
      );
    }
    return path.join(directory, name);
  };
  const exists = (name: string) => taken(resolve(name));
  const container = {
    path: (name: string) => resolve(name),
    ensureDirectory() {
      // The absolute path: "cannot create the folder metadata" leaves the user guessing where.
      const folder = path.resolve(directory);
      onPath('cannot create the folder', folder, () => makeDirectory(folder));
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
      if (exists(to)) throw overwriteRefused(resolve(to));
      onPath('cannot move', source, () => {
        // A rollback journal travels with its database, and first: a journal left
        // behind would sit next to the *next* file under this name. If it is hot,
        // SQLite rolls it back when the moved file is opened; if stale, it is ignored.
        if (taken(`${source}-journal`)) {
          fs.renameSync(`${source}-journal`, `${resolve(to)}-journal`);
        }
        fs.renameSync(source, resolve(to));
        // Empty WAL and shared-memory files belong to no one now.
        for (const suffix of ['-wal', '-shm']) removeOwnFile(`${source}${suffix}`);
      });
    },
    async copy(from: string, to: string) {
      if (nonEmpty(`${resolve(from)}-wal`)) {
        throw new StorageError(
          `${resolve(from)} has un-checkpointed WAL content; a file copy would miss it`,
        );
      }
      if (exists(to)) throw overwriteRefused(resolve(to));
      // A pipe as the source would block the copy forever; a link is not followed.
      if (!onPath('cannot read', resolve(from), () => checkDatabaseFiles(resolve(from)))) {
        throw new NotADatabaseError(resolve(from), 'does not exist');
      }
      onPath(`cannot copy ${resolve(from)} to`, resolve(to), () =>
        fs.copyFileSync(resolve(from), resolve(to), fs.constants.COPYFILE_EXCL),
      );
    },
    async remove(name: string) {
      onPath('cannot remove', resolve(name), () => {
        // A link is removed itself, never its target; a folder is refused, by name.
        for (const suffix of ['', ...SIDE_SUFFIXES]) removeOwnFile(`${resolve(name)}${suffix}`);
        // Super-journals (`<name>-mj…`) of a multi-database commit killed half-way.
        if (fs.existsSync(directory)) {
          for (const entry of fs.readdirSync(directory)) {
            if (entry.startsWith(`${name}-mj`)) removeOwnFile(path.join(directory, entry));
          }
        }
      });
    },
    async readBytes(name: string) {
      const file = resolve(name);
      return onPath('cannot read', file, () => {
        checkDatabaseFiles(file);
        return new Uint8Array(readRegularFile(file, 'cannot read'));
      });
    },
    async writeBytes(name: string, bytes: Uint8Array) {
      container.ensureDirectory();
      const file = resolve(name);
      onPath('cannot write', file, () => {
        if (entryKind(file) === 'symlink') checkDatabaseFiles(file); // refused, naming the link
        // Stale side files would be replayed over the new bytes by SQLite.
        for (const suffix of SIDE_SUFFIXES) removeOwnFile(`${file}${suffix}`);
        const fd = openOwnFile(file, 'replace', 'cannot write');
        try {
          writeAll(fd, bytes);
        } finally {
          fs.closeSync(fd);
        }
      });
    },
    /** The database file, its side files and its lock files, with sizes. */
    async files(name: string): Promise<StoredFile[]> {
      const found: StoredFile[] = [];
      for (const [suffix, role] of FILE_ROLES) {
        const stat = fs.lstatSync(resolve(`${name}${suffix}`), { throwIfNoEntry: false });
        if (stat?.isFile()) found.push({ name: `${name}${suffix}`, bytes: stat.size, role });
      }
      return found;
    },
    /**
     * The names taken in the folder: every entry whatever its type (a folder, a
     * link, a pipe), so a new archive or backup name never lands on one. A SQLite
     * side file (`x.db-journal`, `-wal`, `-shm`) is not listed itself but takes
     * its database's name: a database moved there would meet a journal that is
     * not its own (SQLite would play it back into that file), and moving the
     * database back would carry the stranger along. runmeta's lock files are
     * left out.
     */
    async list() {
      if (!fs.existsSync(directory)) return [];
      const taken = new Set<string>();
      for (const name of onPath('cannot read the folder', path.resolve(directory), () =>
        fs.readdirSync(directory),
      )) {
        if (HIDDEN_PATTERN.test(name) || LOCK_SUFFIXES.some((s) => name.endsWith(s))) continue;
        const side = SIDE_SUFFIXES.find((s) => name.endsWith(s));
        taken.add(side ? name.slice(0, -side.length) : name);
      }
      return [...taken].sort();
    },
  };
  return container;
}
