/**
 * The better-sqlite3 adapter: a folder of SQLite files, or an in-memory container.
 * It only executes; validation, migration, transactions and error mapping live in
 * `@runmeta/core`.
 */

import fs from 'node:fs';
import path from 'node:path';
import type { AdapterCapabilities, OpenOptions, StorageAdapter } from '@runmeta/core';
import {
  createMemoryContainer,
  looksLikeSqlite,
  trackSqliteChanges,
  withoutWalHeader,
} from '@runmeta/core/adapter';
import BetterSqlite3 from 'better-sqlite3';
import {
  engineOf,
  exactIntegers,
  type NodeSqliteConnection,
  wrapConnection,
} from './node-sqlite-connection.js';
import { createFileContainer, onPath } from './node-sqlite-containers.js';
import { explainError, explainingErrors } from './node-sqlite-errors.js';
import { checkDatabaseFiles, readRegularFile } from './node-sqlite-files.js';
import { acquireMigrationLock, readLockHolder } from './node-sqlite-lock.js';
import { parseAdapterOptions } from './node-sqlite-options.js';

/** Options for {@link createNodeSqliteAdapter}. */
export type NodeSqliteAdapterOptions =
  | {
      /** Folder holding the databases; created on first write. */
      directory: string;
      /** How long a statement waits for another process's write lock. Default 5000 ms. */
      busyTimeoutMs?: number;
      /**
       * Map the file into memory for read-only connections (SQLite's `mmap_size`)
       * instead of copying each page read. A fresh process reads an index about
       * three times faster so (`runmeta status` counts a million runs through the
       * `status` index with it), but every page touched counts toward the
       * process's RSS — a full scan of a big file reads as hundreds of MB — and an
       * I/O error while reading a mapped page is a signal rather than an error
       * code. Default false.
       */
      mapReadOnly?: boolean;
    }
  | {
      /** Keep every database in memory (tests, scratch work). */
      memory: true;
    };

/** The adapter, with access to raw clients. */
export interface NodeSqliteAdapter extends StorageAdapter {
  open(name: string, options?: OpenOptions): Promise<NodeSqliteConnection>;
}

/** The page cache of every connection, as `PRAGMA cache_size` takes it (negative: KiB). */
const PAGE_CACHE_KIB = -2000;

/** How much of a file a mapped read-only connection maps (SQLite caps it, at 2 GB by default). */
const READ_MMAP_BYTES = 2 ** 31;

/** Largest WAL-mode file read as an in-memory snapshot for a read-only session. */
const SNAPSHOT_LIMIT = 16 * 1024 * 1024;

/**
 * Whether a file's header says WAL mode while no -wal file exists beside it (a
 * read-only connection would then create -wal and -shm beside it), and whether
 * it is small enough to read as a snapshot instead.
 */
function isWalWithoutLog(file: string): false | 'small' | 'large' {
  if (fs.existsSync(`${file}-wal`)) return false;
  let fd: number | undefined;
  try {
    const size = fs.statSync(file).size;
    fd = fs.openSync(file, 'r');
    const header = new Uint8Array(100);
    const wal =
      fs.readSync(fd, header, 0, 100, 0) === 100 && looksLikeSqlite(header) && header[18] === 2;
    return wal ? (size > SNAPSHOT_LIMIT ? 'large' : 'small') : false;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Whether this process may write the file and make files beside it: then the
 * side files a read in place makes are its own, and its close removes them.
 */
function writableHere(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.W_OK);
    fs.accessSync(path.dirname(file), fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Create the Node.js adapter.
 *
 * @example
 * ```ts
 * const adapter = createNodeSqliteAdapter({ directory: 'metadata' });
 * const manager = await MetadataManager.open({ adapter }); // metadata/runs.db
 * ```
 */
export function createNodeSqliteAdapter(given: NodeSqliteAdapterOptions): NodeSqliteAdapter {
  const options = parseAdapterOptions(given);
  if ('memory' in options) {
    const container = createMemoryContainer();
    return {
      name: 'node-sqlite',
      capabilities: { wal: false } satisfies AdapterCapabilities,
      ...container,
      async open(name, openOptions = {}) {
        const bytes = container.take(name, !!openOptions.readOnly);
        let client: BetterSqlite3.Database;
        try {
          client = bytes?.length
            ? new BetterSqlite3(Buffer.from(withoutWalHeader(bytes)))
            : new BetterSqlite3(':memory:');
        } catch (error) {
          container.release(name, null);
          throw error;
        }
        const readOnly = !!openOptions.readOnly;
        const changed = trackSqliteChanges(engineOf(client));
        const connection = wrapConnection(
          client,
          () =>
            container.close(name, {
              readOnly,
              created: !bytes?.length,
              changed,
              serialize: () => client.serialize(),
            }),
          { queryOnly: readOnly },
        );
        exactIntegers(client, openOptions);
        // A private image in this process: no other connection reaches it.
        return Object.assign(connection, { isolated: true });
      },
    };
  }
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const container = createFileContainer(options.directory);
  return {
    name: 'node-sqlite',
    capabilities: { wal: true } satisfies AdapterCapabilities,
    describe: container.path,
    ...container,
    attachTarget: container.path,
    reach: (name) => ({ attach: container.path(name) }),
    lock(name, lockOptions) {
      container.ensureDirectory();
      return acquireMigrationLock(container.path(name), {
        ...lockOptions,
        describe: container.path(name),
      });
    },
    async lockHolder(name) {
      return readLockHolder(container.path(name));
    },
    async open(name, openOptions = {}) {
      const file = container.path(name);
      // Before SQLite sees it: a pipe would block it forever, a link be followed.
      onPath('cannot read', file, () => checkDatabaseFiles(file));
      const snapshot = () => {
        // With no -wal present the main file holds every row: read a snapshot of
        // its bytes, and SQLite makes no side files.
        const bytes = readRegularFile(file, 'cannot read');
        // The buffer is ours: mark it as not WAL in place (only the 100-byte header
        // is copied), so the file is copied once, into SQLite, not three times more.
        bytes.set(withoutWalHeader(bytes.subarray(0, 100)), 0);
        const copy = new BetterSqlite3(bytes);
        const connection = wrapConnection(copy, undefined, { queryOnly: true });
        exactIntegers(copy, openOptions);
        return Object.assign(connection, { isolated: true });
      };
      // Opening a WAL-mode file, even read-only, creates -wal and -shm beside it.
      // A read-only session (a dry run, a read of the archive, a CLI query) of a
      // small file reads a snapshot instead, so nothing appears even if the
      // process dies before it closes. A brief look before opening for writing
      // reads in place whatever the size (a copy costs about 0.2 s for 10 MB):
      // the write connection that follows makes those files anyway, and if the
      // open is refused, close removes them. A file this process may not write
      // is never read in place where a snapshot can do: the side files would be
      // this process's, and its owner could no longer write.
      const walWithoutLog = openOptions.readOnly ? isWalWithoutLog(file) : false;
      // A live reader (a dashboard) must see later commits, so it reads in place too.
      const inPlace = openOptions.brief || openOptions.live;
      if (walWithoutLog === 'small' && (!inPlace || !writableHere(file))) {
        return snapshot();
      }
      const shmExisted = fs.existsSync(`${file}-shm`);
      if (!openOptions.readOnly) container.ensureDirectory();
      let client: BetterSqlite3.Database;
      try {
        client = new BetterSqlite3(file, {
          readonly: !!openOptions.readOnly,
          fileMustExist: !!openOptions.readOnly,
        });
      } catch (error) {
        throw explainError(error, file, !!openOptions.readOnly);
      }
      if (walWithoutLog) {
        // Read in place, which needs -shm beside it; in a folder we may not write
        // to, that fails: fall back to the snapshot.
        try {
          client.prepare('SELECT count(*) FROM sqlite_master').get();
        } catch {
          client.close();
          return snapshot();
        }
      }
      let wrapped: NodeSqliteConnection;
      try {
        // Wait (bounded) for another process's write lock instead of failing at once.
        client.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
        // In WAL mode (set by core once the file is v2), NORMAL is durable across
        // application crashes and much faster than FULL; only an OS crash can lose
        // the last commits, never corrupt the file.
        client.pragma('synchronous = NORMAL');
        // SQLite's own default page cache (2 MB), not better-sqlite3's 16 MB: each
        // page a cache holds is first a fresh page of memory, and touching one
        // costs more than reading the page again from the OS (a VM here: 25 µs
        // a page). A first pass over a file is faster with the small cache
        // (getAllRuns' mechanisms of 2,000 runs: 47-51 ms, not 104 ms) and a
        // process holds less memory (report on a million runs: 67 MB, not 82 MB).
        client.pragma(`cache_size = ${PAGE_CACHE_KIB}`);
        if (options.mapReadOnly && openOptions.readOnly) {
          client.pragma(`mmap_size = ${READ_MMAP_BYTES}`);
        }
        // Core's pragmas; a file opened read-only needs no query_only.
        wrapped = wrapConnection(client);
      } catch (error) {
        // SQLite opens the -wal file only now, at the first statement.
        client.close();
        throw explainError(error, file, !!openOptions.readOnly);
      }
      exactIntegers(client, openOptions);
      const connection = explainingErrors(wrapped, file, !!openOptions.readOnly);
      if (walWithoutLog && !shmExisted) {
        const close = connection.close;
        connection.close = async () => {
          await close();
          tidyReadSideFiles(file);
        };
      }
      return connection;
    },
  };
}

/**
 * Reading a WAL-mode file in place makes -wal and -shm files that a read-only
 * connection cannot delete. A write connection that reads and closes deletes
 * them, but only when it is the last connection to the file (SQLite checks).
 * With an empty WAL there is nothing to fold in: the database file keeps its
 * bytes. A live reader (a dashboard) may also have kept a writer from folding
 * its commits in as it closed — the last connection does that — so the log
 * holds committed rows: they are folded in now, as that writer would have, so
 * a copy of the file alone has them. In a folder runmeta may not write to the
 * files stay, as SQLite left them.
 */
function tidyReadSideFiles(file: string): void {
  if (!fs.existsSync(`${file}-wal`)) return;
  try {
    const client = new BetterSqlite3(file, { fileMustExist: true });
    try {
      client.prepare('SELECT 1 FROM sqlite_master LIMIT 1').get();
    } finally {
      client.close();
    }
  } catch {
    // Not writable here: the empty side files stay, as SQLite left them.
  }
}
