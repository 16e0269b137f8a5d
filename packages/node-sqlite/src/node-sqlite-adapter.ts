/**
 * The better-sqlite3 adapter: a folder of SQLite files, or an in-memory container.
 * It only executes; validation, migration, transactions and error mapping live in
 * `@runmeta/core`.
 */

import fs from 'node:fs';
import path from 'node:path';
import {
  type AdapterCapabilities,
  applySqliteConnectionPragmas,
  createMemoryContainer,
  fileSystemError,
  looksLikeSqlite,
  type OpenOptions,
  type Row,
  type RunResult,
  type SqlConnection,
  type SqliteConnectionOptions,
  type SqliteEngine,
  type SqlParams,
  type StorageAdapter,
  systemErrorCode,
  trackSqliteChanges,
  withoutWalHeader,
} from '@runmeta/core';
import BetterSqlite3 from 'better-sqlite3';
import { createFileContainer, onPath } from './containers.js';
import { checkDatabaseFiles, fullDiskError, readRegularFile } from './files.js';
import { acquireMigrationLock, readLockHolder } from './lock.js';
import { parseAdapterOptions } from './options.js';

/** Options for {@link createNodeSqliteAdapter}. */
export type NodeSqliteAdapterOptions =
  | {
      /** Folder holding the databases; created on first write. */
      directory: string;
      /** How long a statement waits for another process's write lock. Default 5000 ms. */
      busyTimeoutMs?: number;
    }
  | {
      /** Keep every database in memory (tests, scratch work). */
      memory: true;
    };

/** A connection that also exposes its better-sqlite3 handle. */
export interface NodeSqliteConnection extends SqlConnection {
  /** The underlying better-sqlite3 database, for what runmeta does not cover. */
  readonly client: BetterSqlite3.Database;
}

/** The adapter, with access to raw clients. */
export interface NodeSqliteAdapter extends StorageAdapter {
  open(name: string, options?: OpenOptions): Promise<NodeSqliteConnection>;
}

/**
 * `exactIntegers`: every integer comes back as a bigint (better-sqlite3 has no
 * "only when unsafe" mode); the copy that asks for it passes values on untouched.
 */
function exactIntegers(client: BetterSqlite3.Database, options: OpenOptions): void {
  if (options.exactIntegers) client.defaultSafeIntegers(true);
}

/** A better-sqlite3 handle as the engine core's SQLite helpers speak to. */
function engineOf(client: BetterSqlite3.Database): SqliteEngine {
  return {
    exec: (sql) => {
      client.exec(sql);
    },
    value: (sql) => client.prepare(sql).pluck().get(),
  };
}

/**
 * Wrap a better-sqlite3 handle as a runmeta connection, caching prepared
 * statements. Sets core's connection pragmas (foreign keys on, untrusted schema
 * code; `queryOnly` for a handle that cannot be opened read-only).
 */
export function wrapConnection(
  client: BetterSqlite3.Database,
  onClose: () => void = () => {},
  options: SqliteConnectionOptions = {},
): NodeSqliteConnection {
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = client.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const bind = (params: SqlParams | undefined) => (params ?? []) as unknown[];
  // Defensive mode (no writable_schema, no corrupting pragmas) is better-sqlite3's default.
  applySqliteConnectionPragmas(engineOf(client), options);
  return {
    client,
    async run(sql, params): Promise<RunResult> {
      const statement = prepare(sql);
      if (statement.reader) {
        statement.all(...bind(params));
        return { changes: 0 };
      }
      return { changes: statement.run(...bind(params)).changes };
    },
    async all(sql, params): Promise<Row[]> {
      const statement = prepare(sql);
      if (!statement.reader) {
        statement.run(...bind(params));
        return [];
      }
      return statement.all(...bind(params)) as Row[];
    },
    async runMany(sql, paramSets): Promise<RunResult> {
      const statement = prepare(sql);
      let changes = 0;
      for (const params of paramSets) changes += statement.run(...bind(params)).changes;
      return { changes };
    },
    async close() {
      statements.clear();
      onClose();
      client.close();
    },
  };
}

/** Largest WAL-mode file read as an in-memory snapshot for read-only opens. */
const SNAPSHOT_LIMIT = 16 * 1024 * 1024;

/** Whether a file's header says WAL mode while no -wal file exists beside it. */
function isWalWithoutLog(file: string): false | 'small' | 'large' {
  if (fs.existsSync(`${file}-wal`)) return false;
  // A snapshot costs reading the whole file: worth it to leave a small file's
  // folder untouched, not for a large one (there, a read-only connection makes
  // empty -wal/-shm files beside it, removed again on close where possible).
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
 * Why SQLite could not open a file, in the system's words: SQLite itself only
 * says "unable to open database file". Null when the file system sees no problem
 * (or the file is simply missing for a read, which the caller reports itself).
 */
function whyCannotOpen(file: string, readOnly: boolean): unknown {
  // SQLite opens the side files too: an unreadable -wal fails the open as well.
  for (const suffix of ['-wal', '-shm']) {
    try {
      fs.closeSync(fs.openSync(`${file}${suffix}`, 'r'));
    } catch (error) {
      if (systemErrorCode(error) !== 'ENOENT')
        return fileSystemError(error, 'cannot open', `${file}${suffix}`);
    }
  }
  try {
    fs.closeSync(fs.openSync(file, 'r'));
    return null;
  } catch (error) {
    const code = systemErrorCode(error);
    if (code !== 'ENOENT') return fileSystemError(error, 'cannot open', file);
    if (readOnly) return null;
  }
  // A new database: its folder must take new files.
  const folder = path.resolve(path.dirname(file));
  try {
    fs.accessSync(folder, fs.constants.W_OK | fs.constants.X_OK);
    return null;
  } catch (error) {
    return fileSystemError(error, 'cannot create files in the folder', folder);
  }
}

/** An error of SQLite on `file`, explained where SQLite is vague (see {@link explainingErrors}). */
function explainError(error: unknown, file: string, readOnly: boolean): unknown {
  return (
    ((error as { code?: unknown } | null)?.code === 'SQLITE_CANTOPEN' &&
      whyCannotOpen(file, readOnly)) ||
    fullDiskError(error, file)
  );
}

/**
 * The connection, with SQLite's vaguest errors explained: "unable to open database
 * file" (SQLite opens the -wal file only at the first read) by the system's reason,
 * "disk I/O error" on a full disk as a full disk.
 */
function explainingErrors<T extends SqlConnection>(
  connection: T,
  file: string,
  readOnly: boolean,
): T {
  const wrap =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (error) {
        throw explainError(error, file, readOnly);
      }
    };
  connection.run = wrap(connection.run.bind(connection));
  connection.all = wrap(connection.all.bind(connection));
  if (connection.runMany) connection.runMany = wrap(connection.runMany.bind(connection));
  return connection;
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
      capabilities: {
        fileSystem: false,
        wal: false,
        persistent: false,
      } satisfies AdapterCapabilities,
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
    capabilities: { fileSystem: true, wal: true, persistent: true } satisfies AdapterCapabilities,
    describe: container.path,
    ...container,
    attachTarget: container.path,
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
        // Opening a WAL-mode file, even read-only, creates -wal and -shm beside it.
        // With no -wal present the main file holds every row, so read a snapshot
        // of its bytes instead: a dry run or a read of the archive writes nothing.
        const bytes = readRegularFile(file, 'cannot read');
        const copy = new BetterSqlite3(Buffer.from(withoutWalHeader(new Uint8Array(bytes))));
        const connection = wrapConnection(copy, undefined, { queryOnly: true });
        exactIntegers(copy, openOptions);
        return connection;
      };
      const walWithoutLog = openOptions.readOnly ? isWalWithoutLog(file) : false;
      if (walWithoutLog === 'small') return snapshot();
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
      if (walWithoutLog === 'large') {
        // A large WAL-mode file is read in place, which needs -shm beside it; in a
        // folder we may not write to, that fails: fall back to the snapshot.
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
        // Core's pragmas; a file opened read-only needs no query_only.
        wrapped = wrapConnection(client);
      } catch (error) {
        // SQLite opens the -wal file only now, at the first statement.
        client.close();
        throw explainError(error, file, !!openOptions.readOnly);
      }
      exactIntegers(client, openOptions);
      const connection = explainingErrors(wrapped, file, !!openOptions.readOnly);
      if (walWithoutLog === 'large' && !shmExisted) {
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
 * Reading a large WAL-mode file in place makes empty -wal and -shm files that a
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
