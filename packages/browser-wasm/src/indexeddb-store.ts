import { StorageError } from '@runmeta/core';

/**
 * A minimal promise wrapper over one IndexedDB object store of databases:
 * key = database name (`runs.db`), value = its bytes.
 */

const STORE = 'databases';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Resolves when the transaction is complete (with `strict` durability: on disk). */
function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/** One IndexedDB database holding runmeta databases by name. */
export interface BytesStore {
  /** Every stored database. */
  readAll(): Promise<Map<string, Uint8Array>>;
  /** Write `put` and delete `remove` in one transaction, durable when it resolves. */
  commit(put: ReadonlyMap<string, Uint8Array>, remove: readonly string[]): Promise<void>;
  close(): void;
}

/** Open (creating if needed) the IndexedDB database `name`. */
export async function openBytesStore(name: string): Promise<BytesStore> {
  const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!idb) {
    throw new StorageError(`store "${name}": this environment has no IndexedDB`, {
      hint: 'Use createSqlJsAdapter() for an in-memory database, or run in a browser (private windows of some browsers disable IndexedDB)',
    });
  }
  const opening = idb.open(name, 1);
  opening.onupgradeneeded = () => {
    if (!opening.result.objectStoreNames.contains(STORE)) opening.result.createObjectStore(STORE);
  };
  let db: IDBDatabase;
  try {
    db = await request(opening);
  } catch (error) {
    throw new StorageError(
      `store "${name}": IndexedDB refused to open it (${(error as Error)?.message})`,
      {
        cause: error,
      },
    );
  }
  // Another tab deleting or upgrading the database: let it proceed.
  db.onversionchange = () => db.close();
  return {
    async readAll() {
      const tx = db.transaction(STORE, 'readonly');
      const store = tx.objectStore(STORE);
      const [keys, values] = await Promise.all([
        request(store.getAllKeys()),
        request(store.getAll()),
      ]);
      return new Map(keys.map((key, i) => [String(key), new Uint8Array(values[i] as ArrayBuffer)]));
    },
    async commit(put, remove) {
      // `strict`: the transaction completes only once the data is flushed to disk.
      const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
      const store = tx.objectStore(STORE);
      for (const [key, bytes] of put) {
        // Store exactly the bytes: a view over part of a larger buffer is copied.
        const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
        store.put(whole ? bytes.buffer : bytes.slice().buffer, key);
      }
      for (const key of remove) store.delete(key);
      await done(tx);
    },
    close() {
      db.close();
    },
  };
}
