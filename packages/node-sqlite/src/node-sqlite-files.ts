/**
 * Files beside a database are untrusted input: a symbolic link, a named pipe or a
 * folder can stand where runmeta expects a regular file. Writing through a link
 * would change a file anywhere the user can write; reading a pipe blocks forever.
 * So runmeta looks before it touches (`lstat`, which never follows a link), opens
 * its own files with `O_NOFOLLOW` (a link swapped in meanwhile fails instead of
 * being followed) and `O_NONBLOCK` (a pipe without a reader fails instead of
 * blocking), and checks what it opened (`fstat`) before using it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type FileKind, FileSystemError, NotADatabaseError, NotAFileError } from '@runmeta/core';
import { FILE_KIND_WORDS, fileSystemError, SQLITE_SIDE_SUFFIXES } from '@runmeta/core/adapter';

const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_EXCL, O_NOFOLLOW, O_NONBLOCK } =
  fs.constants;

/** SQLite's side files of a database: it opens them itself, following links. */
export const SIDE_SUFFIXES = SQLITE_SIDE_SUFFIXES;

/** What a stat says is at a path. */
export function kindOf(stat: fs.Stats): FileKind {
  if (stat.isFile()) return 'file';
  if (stat.isDirectory()) return 'directory';
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isFIFO()) return 'fifo';
  if (stat.isSocket()) return 'socket';
  return 'device';
}

/**
 * What stands at `file` — a link is reported as a link, not followed — or null
 * when nothing does. A path the system refuses to look into (EACCES, ENOTDIR)
 * throws the system's error.
 */
export function entryKind(file: string): FileKind | null {
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  return stat ? kindOf(stat) : null;
}

/** How {@link openOwnFile} treats what is already there. */
export type OwnFileMode =
  /** Create it, or open it as it is (read and write): the shared lock file. */
  | 'keep'
  /** Create it, or empty it: the lock note. */
  | 'replace'
  /** Create it; anything already there is refused: an export's partial file. */
  | 'new';

/**
 * Open a file runmeta writes itself, for writing, without following a link or
 * waiting for a pipe's reader. Anything but a regular file at the path is refused
 * with a {@link NotAFileError}; any other system error becomes a typed
 * `FileSystemError`. Returns the file descriptor.
 *
 * @param action - what is being done, for messages: `cannot write the lock note`
 */
export function openOwnFile(file: string, mode: OwnFileMode, action: string): number {
  const flags =
    (mode === 'keep' ? O_RDWR : O_WRONLY) |
    O_CREAT |
    O_NOFOLLOW |
    O_NONBLOCK |
    (mode === 'replace' ? O_TRUNC : 0) |
    (mode === 'new' ? O_EXCL : 0);
  let fd: number;
  try {
    fd = fs.openSync(file, flags, 0o666); // less the umask, as any new file
  } catch (error) {
    // ELOOP (a link), ENXIO (a pipe nobody reads), EISDIR, EEXIST: say what is there.
    let kind: FileKind | null = null;
    try {
      kind = entryKind(file);
    } catch {
      // The first error says more.
    }
    if (kind && kind !== 'file') throw new NotAFileError(action, file, kind, { cause: error });
    throw fileSystemError(error, action, file);
  }
  const stat = fs.fstatSync(fd);
  if (!stat.isFile()) {
    fs.closeSync(fd);
    throw new NotAFileError(action, file, kindOf(stat));
  }
  return fd;
}

/** Write all of `data` to an open file. */
export function writeAll(fd: number, data: Uint8Array | string): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  for (let done = 0; done < bytes.length; ) {
    done += fs.writeSync(fd, bytes, done, bytes.length - done);
  }
}

/**
 * The text of a small file runmeta wrote itself (the lock note), or null when it
 * is missing, is not a regular file, or cannot be read: never followed through a
 * link, never read from a pipe.
 */
export function readOwnFile(file: string): string | null {
  let fd: number;
  try {
    fd = fs.openSync(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    return fs.fstatSync(fd).isFile() ? fs.readFileSync(fd, 'utf8') : null;
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The bytes of a file the user gave (a narrative export, a database), following
 * links (they are the user's own) but never blocking on a pipe: anything but a
 * regular file is refused with a {@link NotAFileError}.
 */
export function readRegularFile(file: string, action: string): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, O_RDONLY | O_NONBLOCK);
  } catch (error) {
    throw fileSystemError(error, action, file);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new NotAFileError(action, file, kindOf(stat));
    return fs.readFileSync(fd);
  } catch (error) {
    throw fileSystemError(error, action, file);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Remove a file runmeta made, whatever now stands there: a link is removed itself
 * (never its target), a pipe like a file; a folder is refused, typed, naming it.
 */
export function removeOwnFile(file: string, action = 'cannot remove'): void {
  let kind: FileKind | null;
  try {
    kind = entryKind(file);
  } catch (error) {
    throw fileSystemError(error, action, file);
  }
  if (kind === null) return;
  if (kind === 'directory') throw new NotAFileError(action, file, kind);
  try {
    fs.unlinkSync(file);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ENOENT') throw fileSystemError(error, action, file);
  }
}

/**
 * Refuse a database that is not a regular file, or whose SQLite side files are
 * not: SQLite would block reading a pipe and follow a link. Returns whether the
 * database exists. A symbolic link is refused too: a link given as the path is
 * resolved once by `openRunDatabase` and the CLI, so one found here lies beside
 * the database, where runmeta moves and removes files by name.
 */
export function checkDatabaseFiles(file: string): boolean {
  const kind = entryKind(file);
  // The cause says what stands there, for messages that rephrase this one.
  const cause = kind && kind !== 'file' ? new NotAFileError('cannot open', file, kind) : undefined;
  if (kind === 'symlink') {
    throw new NotADatabaseError(
      file,
      `is a symbolic link (to ${fs.readlinkSync(file)}); runmeta does not follow links beside a database`,
      {
        cause,
        hint: 'Open the file it points to (openRunDatabase resolves a link given as its path), or move the link away',
        cliHint: 'Give --db the file it points to, or move the link away',
      },
    );
  }
  if (kind && kind !== 'file') {
    throw new NotADatabaseError(file, `is ${FILE_KIND_WORDS[kind]}, not a database file`, {
      cause,
    });
  }
  for (const suffix of SIDE_SUFFIXES) {
    const side = entryKind(`${file}${suffix}`);
    if (side && side !== 'file') {
      throw new NotAFileError('cannot use the side file', `${file}${suffix}`, side, {
        hint: 'Move it away (SQLite makes this file itself), then retry',
      });
    }
  }
  return kind === 'file';
}

/** Below this much free space, a disk I/O error is taken for a full disk. */
const FULL_DISK_BYTES = 1024 * 1024;

/**
 * SQLite says only "disk I/O error" (or "database or disk is full") and keeps the
 * system's reason to itself. When the disk holding `file` has no room left, say
 * that instead; any other error is returned unchanged.
 */
export function fullDiskError(error: unknown, file: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !(code.startsWith('SQLITE_IOERR') || code === 'SQLITE_FULL'))
    return error;
  try {
    const disk = fs.statfsSync(path.dirname(file));
    if (disk.bavail * disk.bsize >= FULL_DISK_BYTES) return error;
  } catch {
    return error;
  }
  return new FileSystemError('cannot write', file, 'ENOSPC', {
    cause: error,
    hint: 'Free some disk space, then retry',
  });
}

/**
 * The path to work with for a database file the user named (`--db`,
 * `openRunDatabase(file)`): a symbolic link is resolved once, to the file it
 * points to, so the archive, the lock and any backup are made beside the real
 * file and the link still opens the database after a migration. A link to
 * nothing is refused: nothing is ever created through it. Any other path is
 * returned as it is.
 */
export function resolveDatabaseLink(file: string): string {
  let kind: FileKind | null;
  try {
    kind = entryKind(file);
  } catch {
    return file; // unreachable: opening it says why
  }
  if (kind !== 'symlink') return file;
  try {
    return fs.realpathSync(file);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') {
      throw new NotADatabaseError(
        file,
        `is a symbolic link to ${fs.readlinkSync(file)}, which does not exist`,
        {
          hint: 'Point the link at the database file, or open the real path',
          cliHint: 'Point the link at the database file, or give --db the real path',
        },
      );
    }
    throw fileSystemError(error, 'cannot follow the symbolic link', file);
  }
}
