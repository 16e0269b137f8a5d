/**
 * A persistent runmeta store in a web page: databases in memory (sql.js), saved
 * to IndexedDB, with one writer across the tabs of the origin (Web Locks).
 */
import {
  ArchiveConflictError,
  ClosedError,
  DatabaseTooLargeError,
  type ManagerOptions,
  MetadataManager,
  NotADatabaseError,
  ReadOnlyError,
  StorageError,
  ValidationError,
} from '@runmeta/core';
import {
  DatabaseNameOption,
  looksLikeSqlite,
  parseInput,
  parseOptions,
  previewValue,
} from '@runmeta/core/adapter';
import { type BytesStore, openBytesStore } from './indexeddb-store.js';
import { createSqlJsAdapter, type SqlJsAdapter } from './sql-js-adapter.js';
import type { SqlJsLoadOptions } from './sql-js-loader.js';
import { BrowserStoreOptionsSchema, ImportDatabaseOptionsSchema } from './sql-js-options.js';
import { acquireWebLock, webLocks } from './web-locks.js';

/** Something a database can be loaded from: a dropped `File`, a `Blob`, bytes. */
export type DatabaseSource = Uint8Array | ArrayBuffer | Blob;

/** Options of {@link openBrowserStore}. */
export interface BrowserStoreOptions extends SqlJsLoadOptions {
  /** IndexedDB database name; tabs using the same name share the store. Default `runmeta`. */
  name?: string;
  /**
   * `write` (default): hold the store's writer lock until {@link BrowserStore.close}
   * (another tab asking for it waits up to `lockTimeoutMs`, then fails with
   * `RUNMETA_LOCKED`). `read`: no lock; a snapshot of what was last saved, and
   * managers opened read-only.
   */
  access?: 'write' | 'read';
  /** How long to wait for another tab's writer lock. Default 10 000 ms. */
  lockTimeoutMs?: number;
  /**
   * Save at most this long after a committed write (steady writes still save this
   * often); `false` saves only on `save()`, `flush()` and `close()`. Default 500 ms.
   */
  autosaveMs?: number | false;
  /**
   * Web Locks exist only in secure contexts (https, localhost). Without them a
   * writer cannot keep other tabs out, so opening for writing is refused unless
   * this is `true` (you promise a single tab). Default false.
   */
  allowWithoutLocks?: boolean;
  /** Largest database accepted, in bytes (see `createSqlJsAdapter`). Default 256 MiB. */
  maxBytes?: number;
  /** Ask the browser to keep the store under storage pressure. Default true. */
  requestPersistence?: boolean;
}

/** A store opened by {@link openBrowserStore}. */
export interface BrowserStore {
  /** The IndexedDB database name. */
  readonly name: string;
  readonly access: 'write' | 'read';
  /** The adapter holding the databases (for `MetadataManager.open` options of your own). */
  readonly adapter: SqlJsAdapter;
  /**
   * Whether `navigator.storage.persist()` was granted: `true`, `false` (the
   * browser may evict the store under storage pressure), or `null` (not asked,
   * or not supported).
   */
  readonly persisted: boolean | null;
  /** Open a database of the store (default `runs.db`), migrating a v1 database as `MetadataManager.open` does. */
  open(options?: Omit<ManagerOptions, 'adapter'>): Promise<MetadataManager>;
  /**
   * Put a database into the store (a dropped `runs.db`, fetched bytes). Refuses
   * to replace an existing one unless `replace: true`; refuses a database above
   * `maxBytes`. Nothing is changed when it refuses.
   */
  importDatabase(
    source: DatabaseSource,
    options?: { name?: string; replace?: boolean },
  ): Promise<void>;
  /** The bytes of a database (default `runs.db`), e.g. for a download (`new Blob([bytes])`). */
  exportDatabase(name?: string): Promise<Uint8Array<ArrayBuffer>>;
  /** Names of the databases in the store. */
  list(): Promise<string[]>;
  /** Save every changed database to IndexedDB now; resolves once durable. */
  save(): Promise<void>;
  /** Run any pending autosave now; resolves once everything written so far is durable. */
  flush(): Promise<void>;
  /**
   * Flush, then release the writer lock (also when the flush fails: the error is
   * thrown after the lock is released). Close your managers first: commits made
   * after `close()` are not saved.
   */
  close(): Promise<void>;
}

async function toBytes(source: DatabaseSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  return new Uint8Array(await source.arrayBuffer());
}

async function requestPersistence(): Promise<boolean | null> {
  const storage = (globalThis as { navigator?: { storage?: { persist?: () => Promise<boolean> } } })
    .navigator?.storage;
  if (!storage?.persist) return null;
  try {
    return await storage.persist();
  } catch {
    return null;
  }
}

/**
 * Open (or create) a persistent store in this origin's IndexedDB.
 *
 * @example
 * ```ts
 * const store = await openBrowserStore({ name: 'my-app' });
 * await store.importDatabase(droppedFile, { replace: true }); // a runs.db
 * const manager = await store.open(); // v1 → v2 migration happens here
 * console.log((await manager.getAllRuns()).length);
 * await manager.close();
 * await store.close(); // flushes to IndexedDB
 * ```
 */
export async function openBrowserStore(given: BrowserStoreOptions = {}): Promise<BrowserStore> {
  // Checked before a lock is taken or IndexedDB is opened.
  const options = parseOptions(BrowserStoreOptionsSchema, given) as BrowserStoreOptions;
  const name = options.name ?? 'runmeta';
  const access = options.access ?? 'write';
  const autosaveMs = options.autosaveMs ?? 500;
  const locks = webLocks();
  const label = `store "${name}"`;
  let releaseWriter: (() => Promise<void>) | null = null;
  if (access === 'write') {
    if (locks) {
      releaseWriter = await acquireWebLock(locks, `runmeta-store:${name}`, {
        timeoutMs: options.lockTimeoutMs ?? 10_000,
        what: label,
        detail: 'another tab is writing to it; close that tab or open this one with access: "read"',
      });
    } else if (!options.allowWithoutLocks) {
      throw new StorageError(
        `${label}: this page has no Web Locks (navigator.locks needs https or localhost), so other tabs could overwrite its writes`,
        {
          hint: 'Serve the page over https or localhost, open with access: "read", or pass allowWithoutLocks: true if only one tab ever writes',
        },
      );
    }
  }

  let timer: ReturnType<typeof setTimeout> | null = null;
  /** The last save (never rejected: callers get their own save's outcome). */
  let saving: Promise<void> = Promise.resolve();
  let closed = false;
  /** Databases changed since they were last saved (only these are written). */
  const dirty = new Set<string>();
  const schedule = (database: string) => {
    dirty.add(database);
    // Throttled, not debounced: the first unsaved commit starts the clock, so a
    // steady stream of writes is still saved every `autosaveMs`.
    if (access !== 'write' || autosaveMs === false || closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void save().catch(() => {}); // failed databases stay dirty; the next save retries them
    }, autosaveMs);
  };

  let bytes: BytesStore;
  let adapter: SqlJsAdapter;
  try {
    bytes = await openBytesStore(name);
    adapter = await createSqlJsAdapter({
      ...(options.locateFile ? { locateFile: options.locateFile } : {}),
      ...(options.sqlJs ? { sqlJs: options.sqlJs } : {}),
      ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
      lockPrefix: `runmeta-migrate:${name}`,
      onChange: schedule,
      onCommit: schedule,
    });
    // Loaded after the writer lock was granted: the previous writer's last save is here.
    adapter.container.load(await bytes.readAll());
  } catch (error) {
    await releaseWriter?.();
    throw error;
  }
  const persisted =
    access === 'write' && options.requestPersistence !== false ? await requestPersistence() : null;

  /** Write every changed database (an open one as a snapshot); drop names no longer present. */
  function save(): Promise<void> {
    if (access !== 'write') {
      return Promise.reject(new ReadOnlyError(label, 'it was opened with access: "read"'));
    }
    if (closed) return Promise.reject(new ClosedError(label));
    const run = async () => {
      const names = [...dirty];
      dirty.clear();
      try {
        const put = new Map<string, Uint8Array>();
        const remove: string[] = [];
        for (const database of names) {
          // An open database is snapshotted between transactions; a name that no
          // longer exists was moved or removed since.
          if (await adapter.exists(database)) put.set(database, await adapter.snapshot(database));
          else remove.push(database);
        }
        if (put.size || remove.length) await bytes.commit(put, remove);
      } catch (error) {
        for (const database of names) dirty.add(database); // the next save retries them
        throw new StorageError(
          `${label}: saving to IndexedDB failed (${(error as Error)?.message ?? String(error)})`,
          {
            cause: error,
            hint: 'Nothing saved was lost and the changes are still in this page; free storage space and call flush() again',
          },
        );
      }
    };
    const result = saving.then(run);
    saving = result.catch(() => {});
    return result;
  }

  const onHidden = () => {
    if (document.visibilityState === 'hidden' && timer) void flush().catch(() => {});
  };
  const hasDocument = typeof document !== 'undefined';
  if (hasDocument && access === 'write') document.addEventListener('visibilitychange', onHidden);

  async function flush(): Promise<void> {
    if (access !== 'write') return;
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (dirty.size > 0) await save();
    else await saving;
  }

  return {
    name,
    access,
    adapter,
    persisted,
    open(managerOptions = {}) {
      return MetadataManager.open({
        ...managerOptions,
        readOnly: access === 'read' ? true : managerOptions.readOnly,
        adapter,
      });
    },
    async importDatabase(source, given = {}) {
      const importOptions = parseOptions(ImportDatabaseOptionsSchema, given);
      if (
        !(source instanceof Uint8Array || source instanceof ArrayBuffer || source instanceof Blob)
      ) {
        throw new ValidationError(
          'source',
          `must be a Uint8Array, an ArrayBuffer or a Blob such as a dropped File (got ${previewValue(source)})`,
        );
      }
      const target = importOptions.name ?? 'runs.db';
      if (access !== 'write') throw new ReadOnlyError(label, 'it was opened with access: "read"');
      const where = adapter.describe(target);
      // Refuse by size before reading a large Blob into memory.
      const size = source instanceof Blob ? source.size : source.byteLength;
      if (size > adapter.maxBytes) throw new DatabaseTooLargeError(where, size, adapter.maxBytes);
      const data = await toBytes(source);
      if (data.length === 0 || !looksLikeSqlite(data)) {
        throw new NotADatabaseError(where, 'the imported bytes are not a SQLite database');
      }
      if (!importOptions.replace && (await adapter.exists(target))) {
        throw new ArchiveConflictError(
          `${where} already exists in ${label}`,
          'Pass replace: true to replace it, or import it under another name',
        );
      }
      // A valid header is not enough: the pages must hold together before a good
      // database may be replaced.
      const problem = await adapter.check(data);
      if (problem) throw new NotADatabaseError(where, `is damaged (${problem})`);
      await adapter.writeBytes(target, data);
    },
    async exportDatabase(database = 'runs.db') {
      parseInput(DatabaseNameOption, database, 'name');
      // A fresh copy in its own (never shared) ArrayBuffer.
      return (await adapter.snapshot(database)) as Uint8Array<ArrayBuffer>;
    },
    list: () => adapter.list(),
    save,
    flush,
    async close() {
      if (closed) return;
      try {
        await flush();
      } finally {
        closed = true;
        if (timer) clearTimeout(timer);
        if (hasDocument) document.removeEventListener('visibilitychange', onHidden);
        bytes.close();
        await releaseWriter?.();
      }
    },
  };
}
