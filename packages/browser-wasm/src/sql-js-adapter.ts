/**
 * The sql.js storage adapter: databases live in memory as sql.js databases, and
 * closed ones as bytes in a {@link MemoryContainer} (which the browser store
 * mirrors to IndexedDB).
 */
import {
  type AdapterCapabilities,
  DatabaseTooLargeError,
  type OpenOptions,
  type StorageAdapter,
} from '@runmeta/core';
import {
  createMemoryContainer,
  type MemoryContainer,
  parseOptions,
  sqliteQuickCheck,
  withoutWalHeader,
} from '@runmeta/core/adapter';
import { type SqlJsConnection, sqlJsEngine, wrapSqlJsDatabase } from './sql-js-connection.js';
import { loadSqlJs, type SqlJsLoadOptions } from './sql-js-loader.js';
import { SqlJsAdapterOptionsSchema } from './sql-js-options.js';
import { acquireWebLock, webLocks } from './web-locks.js';

/** Default largest database the adapter loads: 256 MiB. */
export const DEFAULT_MAX_BYTES = 256 * 2 ** 20;

/** Options of {@link createSqlJsAdapter}. */
export interface SqlJsAdapterOptions extends SqlJsLoadOptions {
  /**
   * Largest database (bytes) the adapter loads or accepts; a bigger one is refused
   * with a `DatabaseTooLargeError` instead of exhausting the tab's memory
   * (sql.js holds the whole database in memory, twice while saving). Default 256 MiB.
   */
  maxBytes?: number;
  /**
   * Prefix of the Web Locks that guard migrations across tabs (`<prefix>:<name>`).
   * Without it (or without Web Locks), the lock only orders callers in this page.
   */
  lockPrefix?: string;
  /** Called after a stored database changed (closed after writes, moved, removed...). */
  onChange?: (name: string) => void;
  /** Called after a transaction committed on an open database. */
  onCommit?: (name: string) => void;
}

/** The sql.js adapter, with access to live databases' bytes. */
export interface SqlJsAdapter extends StorageAdapter {
  open(name: string, options?: OpenOptions): Promise<SqlJsConnection>;
  /** The largest database accepted, in bytes. */
  readonly maxBytes: number;
  /** Closed databases as bytes. */
  readonly container: MemoryContainer;
  /** Names of the databases open now. */
  openNames(): string[];
  /** The bytes of a database, open (taken between transactions) or closed. */
  snapshot(name: string): Promise<Uint8Array>;
  /** `PRAGMA quick_check` of database bytes: null when sound, else what is wrong. */
  check(bytes: Uint8Array): Promise<string | null>;
}

/**
 * Create an adapter on sql.js. Loads the WebAssembly module on first use (see
 * {@link SqlJsLoadOptions.locateFile}).
 *
 * @example
 * ```ts
 * const adapter = await createSqlJsAdapter();
 * await adapter.writeBytes('runs.db', new Uint8Array(await file.arrayBuffer()));
 * const manager = await MetadataManager.open({ adapter }); // migrates a v1 file
 * ```
 */
export async function createSqlJsAdapter(given: SqlJsAdapterOptions = {}): Promise<SqlJsAdapter> {
  const options = parseOptions(SqlJsAdapterOptionsSchema, given) as SqlJsAdapterOptions;
  const SQL = await loadSqlJs({ locateFile: options.locateFile, sqlJs: options.sqlJs });
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const container = createMemoryContainer({ onChange: options.onChange });
  const live = new Map<string, SqlJsConnection>();
  const { describe } = container;
  const checkSize = (name: string, bytes: Uint8Array) => {
    if (bytes.length > maxBytes)
      throw new DatabaseTooLargeError(describe(name), bytes.length, maxBytes);
  };
  const locks = options.lockPrefix ? webLocks() : null;

  return {
    name: 'browser-wasm',
    capabilities: { wal: false } satisfies AdapterCapabilities,
    maxBytes,
    container,
    describe,
    exists: container.exists,
    move: container.move,
    copy: container.copy,
    remove: container.remove,
    readBytes: container.readBytes,
    list: container.list,
    async writeBytes(name, bytes) {
      checkSize(name, bytes);
      await container.writeBytes(name, bytes);
    },
    lock(name, lockOptions) {
      if (!locks) return container.lock(name);
      return acquireWebLock(locks, `${options.lockPrefix}:${name}`, {
        timeoutMs: lockOptions.timeoutMs,
        what: describe(name),
        detail: 'another tab is migrating it',
      });
    },
    openNames: () => [...live.keys()],
    async check(bytes) {
      let database: InstanceType<typeof SQL.Database> | undefined;
      try {
        database = new SQL.Database(withoutWalHeader(bytes));
        return sqliteQuickCheck(sqlJsEngine(database));
      } catch (error) {
        return (error as Error).message;
      } finally {
        database?.close();
      }
    },
    async snapshot(name) {
      const connection = live.get(name);
      return connection ? connection.snapshot() : container.readBytes(name);
    },
    async open(name, openOptions = {}) {
      const readOnly = !!openOptions.readOnly;
      const bytes = container.take(name, readOnly);
      let database: InstanceType<typeof SQL.Database>;
      try {
        if (bytes) checkSize(name, bytes);
        // sql.js has no WAL: a WAL-mode header is read as rollback-journal (the
        // content is the same; a checkpointed file has no frames elsewhere).
        database = bytes?.length ? new SQL.Database(withoutWalHeader(bytes)) : new SQL.Database();
      } catch (error) {
        container.release(name, null);
        throw error;
      }
      const created = !bytes?.length;
      const connection = wrapSqlJsDatabase(database, {
        readOnly,
        onCommit: () => options.onCommit?.(name),
        onClose: (closing) => {
          live.delete(name);
          container.close(name, {
            readOnly,
            created,
            changed: closing.changed,
            serialize: () => database.export(),
          });
        },
      });
      live.set(name, connection);
      // sql.js reads an image in this page: no other connection reaches it.
      return Object.assign(connection, { isolated: true });
    },
  };
}
