/**
 * One sql.js database as a runmeta connection.
 */
import {
  applySqliteConnectionPragmas,
  parseInput,
  parseOptions,
  type Row,
  type RowValues,
  type RunResult,
  type SqlConnection,
  type SqliteEngine,
  type SqlParams,
  type SqlValue,
  sqliteInTransaction,
  trackSqliteChanges,
} from '@runmeta/core/adapter';
import type { SqlJsDatabase } from './sql-js-loader.js';
import { SqlJsDatabaseOption, WrapSqlJsOptionsSchema } from './sql-js-options.js';

type SqlJsStatement = ReturnType<SqlJsDatabase['prepare']>;

type SqlJsValue = number | string | Uint8Array | null;

/** A runmeta connection on sql.js, with a way to take the bytes while it stays open. */
export interface SqlJsConnection extends SqlConnection {
  /** The sql.js database (for advanced use; statements through it bypass runmeta). */
  readonly database: SqlJsDatabase;
  /** Whether anything was written since the connection opened. */
  changed(): boolean;
  /**
   * The database's bytes now, taken between transactions (waits for an open one
   * to end). The connection stays usable.
   */
  snapshot(): Promise<Uint8Array>;
}

/** A sql.js database as the engine core's SQLite helpers speak to. */
export function sqlJsEngine(database: SqlJsDatabase): SqliteEngine {
  return {
    exec: (sql) => {
      database.run(sql);
    },
    value: (sql) => database.exec(sql)[0]?.values[0]?.[0],
  };
}

function bindable(params: SqlParams | undefined): SqlJsValue[] {
  return (params ?? []).map((value: SqlValue | boolean | bigint | undefined) => {
    if (value === undefined) return null;
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (typeof value === 'bigint') return Number(value);
    return value as SqlJsValue;
  });
}

/**
 * Wrap a sql.js database. sql.js runs synchronously inside the page, so each call
 * completes before it returns; prepared statements are cached per SQL text.
 */
export function wrapSqlJsDatabase(
  database: SqlJsDatabase,
  options: {
    readOnly?: boolean;
    /** After a transaction core ran committed (autosave listens; see `SqlConnection.onTransaction`). */
    onCommit?: () => void;
    /** Before the database closes (the adapter stores its bytes back). */
    onClose?: (connection: SqlJsConnection) => void;
  } = {},
): SqlJsConnection {
  parseInput(SqlJsDatabaseOption, database, 'database');
  parseOptions(WrapSqlJsOptionsSchema, options);
  const statements = new Map<string, SqlJsStatement>();
  let idle: { promise: Promise<void>; resolve: () => void } | null = null;

  const engine = sqlJsEngine(database);
  // sql.js cannot open a database read-only: query_only makes a connection one.
  applySqliteConnectionPragmas(engine, { queryOnly: !!options.readOnly });

  /** Wake snapshots waiting for the open transaction to end: a statement ended, it may have ended it. */
  const statementEnded = () => {
    idle?.resolve();
    idle = null;
  };
  /** Run `sql`, each row taken by `read` (none kept without it). */
  const execute = <T>(
    sql: string,
    params: SqlParams | undefined,
    read?: (statement: SqlJsStatement) => T,
  ): T[] => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = database.prepare(sql);
      statements.set(sql, statement);
    }
    const rows: T[] = [];
    try {
      statement.bind(bindable(params));
      while (statement.step()) if (read) rows.push(read(statement));
    } finally {
      statement.reset();
      statementEnded();
    }
    return rows;
  };

  const connection: SqlJsConnection = {
    database,
    async run(sql, params): Promise<RunResult> {
      execute(sql, params);
      return { changes: database.getRowsModified() };
    },
    async all(sql, params): Promise<Row[]> {
      return execute(sql, params, (statement) => statement.getAsObject() as Row);
    },
    async values(sql, params): Promise<RowValues> {
      let columns: string[] = [];
      const rows = execute(sql, params, (statement) => {
        if (columns.length === 0) columns = statement.getColumnNames();
        return statement.get() as SqlValue[];
      });
      return { columns, rows };
    },
    async runMany(sql, paramSets): Promise<RunResult> {
      let changes = 0;
      for (const params of paramSets) {
        execute(sql, params);
        changes += database.getRowsModified();
      }
      return { changes };
    },
    changed: () => changed(),
    onTransaction(event) {
      if (event === 'commit') options.onCommit?.();
    },
    async snapshot() {
      // Whether a transaction is open is asked of SQLite: one began by any
      // statement (core's BEGIN, or a caller's own) is waited for.
      while (sqliteInTransaction(engine)) {
        if (!idle) {
          let resolve!: () => void;
          const promise = new Promise<void>((r) => {
            resolve = r;
          });
          idle = { promise, resolve };
        }
        await idle.promise;
      }
      // sql.js (≥ 1.16) exports through SQLite's backup API: the connection, its
      // prepared statements and pragmas stay as they are.
      return database.export();
    },
    async close() {
      options.onClose?.(connection);
      statements.clear();
      database.close();
      statementEnded();
    },
  };

  const changed = trackSqliteChanges(engine);
  return connection;
}
