/**
 * One better-sqlite3 database as a runmeta connection: prepared statements cached
 * per SQL text, and core's connection pragmas set once on open.
 */

import type { OpenOptions } from '@runmeta/core';
import {
  applySqliteConnectionPragmas,
  type Row,
  type RowValues,
  type RunResult,
  type SqlConnection,
  type SqliteConnectionOptions,
  type SqliteEngine,
  type SqlParams,
  type SqlValue,
} from '@runmeta/core/adapter';
import type BetterSqlite3 from 'better-sqlite3';

/** A connection that also exposes its better-sqlite3 handle. */
export interface NodeSqliteConnection extends SqlConnection {
  /** The underlying better-sqlite3 database, for what runmeta does not cover. */
  readonly client: BetterSqlite3.Database;
}

/**
 * `exactIntegers`: every integer comes back as a bigint (better-sqlite3 has no
 * "only when unsafe" mode); the copy that asks for it passes values on untouched.
 */
export function exactIntegers(client: BetterSqlite3.Database, options: OpenOptions): void {
  if (options.exactIntegers) client.defaultSafeIntegers(true);
}

/** A better-sqlite3 handle as the engine core's SQLite helpers speak to. */
export function engineOf(client: BetterSqlite3.Database): SqliteEngine {
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
  // Statements returning value arrays are cached apart: `raw` is a mode of the statement.
  const rawStatements = new Map<string, BetterSqlite3.Statement>();
  const prepareRaw = (sql: string) => {
    let statement = rawStatements.get(sql);
    if (!statement) {
      statement = client.prepare(sql);
      if (statement.reader) statement.raw(true);
      rawStatements.set(sql, statement);
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
    async values(sql, params): Promise<RowValues> {
      const statement = prepareRaw(sql);
      if (!statement.reader) {
        statement.run(...bind(params));
        return { columns: [], rows: [] };
      }
      return {
        columns: statement.columns().map((column) => column.name),
        rows: statement.all(...bind(params)) as SqlValue[][],
      };
    },
    // A statement of its own (not the cache's): an iteration broken off early
    // must not leave a shared statement busy.
    iterate: (sql, params) => client.prepare(sql).iterate(...bind(params)) as Iterable<Row>,
    async runMany(sql, paramSets): Promise<RunResult> {
      const statement = prepare(sql);
      let changes = 0;
      for (const params of paramSets) changes += statement.run(...bind(params)).changes;
      return { changes };
    },
    async close() {
      statements.clear();
      rawStatements.clear();
      onClose();
      client.close();
    },
  };
}
