/**
 * A storage adapter wrapper that counts and records statements, to prove reads are not N+1.
 *
 * @packageDocumentation
 */
import type { StorageAdapter } from '../storage/adapter.js';

/** An adapter wrapper that counts the read queries its connections run. */
export interface CountingAdapter extends StorageAdapter {
  /** Read queries (`all`, `values`) since the last reset. */
  readonly queries: number;
  /** Every statement seen since the last reset. */
  readonly statements: string[];
  reset(): void;
}

/** Wrap an adapter to count queries (used to prove reads are not N+1). */
export function countingAdapter(inner: StorageAdapter): CountingAdapter {
  let queries = 0;
  let statements: string[] = [];
  return {
    ...inner,
    name: inner.name,
    capabilities: inner.capabilities,
    describe: (name) => inner.describe(name),
    exists: (name) => inner.exists(name),
    move: (from, to) => inner.move(from, to),
    copy: (from, to) => inner.copy(from, to),
    remove: (name) => inner.remove(name),
    readBytes: (name) => inner.readBytes(name),
    writeBytes: (name, bytes) => inner.writeBytes(name, bytes),
    list: () => inner.list(),
    get queries() {
      return queries;
    },
    get statements() {
      return statements;
    },
    reset() {
      queries = 0;
      statements = [];
    },
    async open(name, options) {
      const connection = await inner.open(name, options);
      return {
        run: (sql, params) => {
          statements.push(sql);
          return connection.run(sql, params);
        },
        all: (sql, params) => {
          statements.push(sql);
          queries++;
          return connection.all(sql, params);
        },
        ...(connection.values
          ? {
              values: (sql: string, params?: Parameters<typeof connection.all>[1]) => {
                statements.push(sql);
                queries++;
                return connection.values!(sql, params);
              },
            }
          : {}),
        ...(connection.runMany
          ? {
              runMany: (
                sql: string,
                sets: Parameters<NonNullable<typeof connection.runMany>>[1],
              ) => {
                statements.push(sql);
                return connection.runMany!(sql, sets);
              },
            }
          : {}),
        close: () => connection.close(),
      };
    },
  };
}
