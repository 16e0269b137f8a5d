/**
 * Container operations (exists / move / copy / remove / bytes) for a folder of
 * SQLite files and for an in-memory map of serialised databases.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ArchiveConflictError, StorageError } from '@runmeta/core';

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

/**
 * An in-memory container: closed databases are kept serialised by name; a name
 * can be open once at a time (an in-memory database has one connection).
 */
export function createMemoryContainer() {
  const stored = new Map<string, Uint8Array>();
  const open = new Set<string>();
  const locks = new Map<string, Promise<void>>();
  const describe = (name: string) => `memory:${name}`;
  const assertClosed = (name: string) => {
    if (open.has(name)) throw new StorageError(`${describe(name)} is open; close it first`);
  };
  return {
    /** Claim a database for a new connection; returns its bytes (undefined: new). */
    take(name: string, readOnly: boolean): Uint8Array | undefined {
      assertClosed(name);
      const bytes = stored.get(name);
      if (!bytes && readOnly)
        throw Object.assign(new Error(`unable to open ${describe(name)}`), {
          code: 'SQLITE_CANTOPEN',
        });
      open.add(name);
      return bytes;
    },
    /** Give a database back on close (null: unchanged, read-only). */
    release(name: string, bytes: Uint8Array | null) {
      open.delete(name);
      if (bytes) stored.set(name, bytes);
    },
    async exists(name: string) {
      return stored.has(name) || open.has(name);
    },
    async move(from: string, to: string) {
      assertClosed(from);
      if (stored.has(to) || open.has(to)) refuseOverwrite(describe, to);
      const bytes = stored.get(from);
      if (!bytes) throw new StorageError(`${describe(from)} does not exist`);
      stored.delete(from);
      stored.set(to, bytes);
    },
    async copy(from: string, to: string) {
      assertClosed(from);
      if (stored.has(to) || open.has(to)) refuseOverwrite(describe, to);
      const bytes = stored.get(from);
      if (!bytes) throw new StorageError(`${describe(from)} does not exist`);
      stored.set(to, bytes.slice());
    },
    async remove(name: string) {
      assertClosed(name);
      stored.delete(name);
    },
    async readBytes(name: string) {
      assertClosed(name);
      const bytes = stored.get(name);
      if (!bytes) throw new StorageError(`${describe(name)} does not exist`);
      return bytes.slice();
    },
    async writeBytes(name: string, bytes: Uint8Array) {
      assertClosed(name);
      stored.set(name, bytes.slice());
    },
    async list() {
      return [...new Set([...stored.keys(), ...open])].sort();
    },
    /** In memory there is one process: a promise queue per name is the whole lock. */
    async lock(name: string) {
      const previous = locks.get(name) ?? Promise.resolve();
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      locks.set(
        name,
        previous.then(() => held),
      );
      await previous;
      return async () => release();
    },
  };
}
