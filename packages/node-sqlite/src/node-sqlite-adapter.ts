/**
 * The better-sqlite3 adapter: a folder of SQLite files, or an in-memory container.
 * It only executes; validation, migration, transactions and error mapping live in
 * `@runmeta/core`.
 */

import fs from 'node:fs';
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

/** How much of a file a mapped read-only connection maps (SQLite caps it, at 2 GB by default). */
const READ_MMAP_BYTES = 2 ** 31;

/**
 * Whether a file's header says WAL mode while no -wal file exists beside it: a
 * read-only connection would then create -wal and -shm files beside it.
 */
function isWalWithoutLog(file: string): boolean {
  if (fs.existsSync(`${file}-wal`)) return false;
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const header = new Uint8Array(100);
    return (
      fs.readSync(fd, header, 0, 100, 0) === 100 && looksLikeSqlite(header) && header[18] === 2
    );
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
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
        return connection;
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
        // With no -wal present the main file holds every row: where SQLite cannot
        // make its side files (a folder we may not write to), read a snapshot of
        // the bytes instead. It costs reading and copying the whole file (about
        // 0.2 s for 10 MB here), so it is only the fallback.
        const bytes = readRegularFile(file, 'cannot read');
        const copy = new BetterSqlite3(Buffer.from(withoutWalHeader(new Uint8Array(bytes))));
        const connection = wrapConnection(copy, undefined, { queryOnly: true });
        exactIntegers(copy, openOptions);
        return connection;
      };
      // Opening a WAL-mode file, even read-only, creates -wal and -shm beside it.
      // They are removed again on close (below), so a dry run, a refused open or a
      // read of the archive leaves the folder as it found it, whatever the file's
      // size: opening costs the same for 1 MB and 500 MB.
      const walWithoutLog = openOptions.readOnly ? isWalWithoutLog(file) : false;
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
          removeReadSideFiles(file);
        };
      }
      return connection;
    },
  };
}

/**
 * Reading a WAL-mode file in place makes empty -wal and -shm files that a
 * read-only connection cannot delete. A write connection that reads and closes
 * deletes them, but only when it is the last connection to the file (SQLite
 * checks), and with an empty WAL there is nothing to checkpoint: the database
 * file keeps its bytes. In a folder runmeta may not write to they stay.
 */
function removeReadSideFiles(file: string): void {
  if (fs.statSync(`${file}-wal`, { throwIfNoEntry: false })?.size !== 0) return;
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
