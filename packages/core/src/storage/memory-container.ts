/**
 * An in-memory container of serialised databases, for adapters whose engine
 * keeps a database in memory (better-sqlite3's `:memory:`, sql.js): closed
 * databases are kept as bytes by name, and a name can be open once at a time
 * (an in-memory database has exactly one connection).
 */
import { StorageError } from '../errors.js';
import { MemoryContainerOptionsSchema, parseOptions } from '../schema/options.js';
import { overwriteRefused } from './refuse-overwrite.js';

/** Options of {@link createMemoryContainer}. */
export interface MemoryContainerOptions {
  /** Called after a stored database changed (written back, moved, copied, removed). */
  onChange?: (name: string) => void;
}

/** A connection closing on a database of the container (see `MemoryContainer.close`). */
export interface ClosingConnection {
  /** It was opened read-only: nothing to store back. */
  readOnly: boolean;
  /** It created the database (the name held no bytes): store it even if empty. */
  created: boolean;
  /** Whether it wrote anything (see `trackSqliteChanges`). */
  changed(): boolean;
  /** The database's bytes now. */
  serialize(): Uint8Array;
}

/** The container returned by {@link createMemoryContainer}. */
export type MemoryContainer = ReturnType<typeof createMemoryContainer>;

/** Create an empty in-memory container. */
export function createMemoryContainer(given: MemoryContainerOptions = {}) {
  const options = parseOptions(MemoryContainerOptionsSchema, given) as MemoryContainerOptions;
  const stored = new Map<string, Uint8Array>();
  const open = new Set<string>();
  const locks = new Map<string, Promise<void>>();
  const changed = (name: string) => options.onChange?.(name);
  const describe = (name: string) => `memory:${name}`;
  const assertClosed = (name: string) => {
    if (open.has(name)) throw new StorageError(`${describe(name)} is open; close it first`);
  };
  const refuseOverwrite = (to: string): never => {
    throw overwriteRefused(describe(to));
  };
  const existing = (name: string): Uint8Array => {
    const bytes = stored.get(name);
    if (!bytes) throw new StorageError(`${describe(name)} does not exist`);
    return bytes;
  };
  return {
    /** Where a database lives, for messages: `memory:<name>`. */
    describe,
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
      if (bytes) {
        stored.set(name, bytes);
        changed(name);
      }
    },
    /**
     * Give a database back when its connection closes, storing its bytes only
     * when that connection could write and created or changed the database: one
     * that just read leaves the stored bytes identical (and notifies no one).
     */
    close(name: string, connection: ClosingConnection) {
      const keep = !connection.readOnly && (connection.created || connection.changed());
      this.release(name, keep ? connection.serialize() : null);
    },
    /** Put databases in without change notifications (loading a persisted store). */
    load(entries: Iterable<[string, Uint8Array]>) {
      for (const [name, bytes] of entries) {
        assertClosed(name);
        stored.set(name, bytes);
      }
    },
    async exists(name: string) {
      return stored.has(name) || open.has(name);
    },
    async move(from: string, to: string) {
      assertClosed(from);
      if (stored.has(to) || open.has(to)) refuseOverwrite(to);
      const bytes = existing(from);
      stored.delete(from);
      stored.set(to, bytes);
      changed(from);
      changed(to);
    },
    async copy(from: string, to: string) {
      assertClosed(from);
      if (stored.has(to) || open.has(to)) refuseOverwrite(to);
      stored.set(to, existing(from).slice());
      changed(to);
    },
    async remove(name: string) {
      assertClosed(name);
      if (stored.delete(name)) changed(name);
    },
    async readBytes(name: string) {
      assertClosed(name);
      return existing(name).slice();
    },
    async writeBytes(name: string, bytes: Uint8Array) {
      assertClosed(name);
      stored.set(name, bytes.slice());
      changed(name);
    },
    async list() {
      return [...new Set([...stored.keys(), ...open])].sort();
    },
    /** One container lives in one JavaScript realm: a promise queue per name is the whole lock. */
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
