/**
 * Core's wrapper around one adapter connection. It owns what every backend
 * needs and no adapter should re-implement: one statement at a time (a mutex, since
 * embedded backends have a single connection and an async caller could interleave
 * a transaction with other work), `BEGIN IMMEDIATE`/`COMMIT`/`ROLLBACK`, close-once,
 * and mapping driver errors to typed runmeta errors.
 */

import { classifySqliteError } from '../error-classification.js';
import { ClosedError, DatabaseLockedError, StorageError } from '../errors.js';

/** How often BEGIN is tried before a lock error surfaces. */
const BEGIN_ATTEMPTS = 5;

import type { StatementExecutor } from '../sql/statement-executor.js';
import {
  type Row,
  type RowValues,
  type RunResult,
  type SqlParams,
  toRowValues,
} from '../sql/values.js';
import type { SqlConnection } from './adapter.js';
import type { SqlDialect } from './sql-dialect.js';
import { sqliteDialect } from './sqlite/sqlite-dialect.js';

/**
 * What statements run through, inside or outside a transaction, together with
 * the dialect of the backend behind it.
 */
export interface Executor extends StatementExecutor {
  /** The SQL dialect of the backend behind this executor. */
  readonly dialect: SqlDialect;
}

/** A minimal async mutex: callers run strictly one after another. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  lock<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** One open database, serialised and with typed errors. */
export class Database implements Executor {
  private readonly mutex = new Mutex();
  private closed = false;
  private readonly direct: Executor & Required<Pick<Executor, 'values'>>;

  constructor(
    private readonly connection: SqlConnection,
    /** Human-readable location, used in error messages. */
    readonly location: string,
    readonly dialect: SqlDialect = sqliteDialect,
  ) {
    this.direct = {
      dialect,
      run: (sql, params) =>
        this.guard(async () => {
          const result = await connection.run(sql, params ?? []);
          if (result.changes > 0) this.changed = true;
          return result;
        }),
      all: <T extends Row>(sql: string, params?: SqlParams) =>
        this.guard(() => {
          // A write that returns rows (`INSERT … RETURNING`) reports no change
          // count: it counts as changing rows.
          if (!dialect.isReadStatement(sql.trimStart())) this.changed = true;
          return connection.all(sql, params ?? []);
        }) as Promise<T[]>,
      values: (sql, params) =>
        this.guard(async () => {
          if (!dialect.isReadStatement(sql.trimStart())) this.changed = true;
          return connection.values
            ? connection.values(sql, params ?? [])
            : toRowValues(await connection.all(sql, params ?? []));
        }),
      runMany: (sql, paramSets) =>
        this.guard(async () => {
          let changes = 0;
          if (connection.runMany) changes = (await connection.runMany(sql, paramSets)).changes;
          else
            for (const params of paramSets) changes += (await connection.run(sql, params)).changes;
          if (changes > 0) this.changed = true;
          return { changes };
        }),
    };
  }

  /** Whether this connection reads a copy no other connection can change (see `SqlConnection.isolated`). */
  get isolated(): boolean {
    return this.connection.isolated === true;
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new ClosedError(this.location);
    try {
      return await fn();
    } catch (error) {
      throw classifySqliteError(error, this.location);
    }
  }

  run(sql: string, params?: SqlParams): Promise<RunResult> {
    return this.locked(async () => {
      this.changed = false;
      const result = await this.direct.run(sql, params);
      // Outside a transaction a statement commits on its own.
      if (this.changed) this.wrote = true;
      return result;
    });
  }

  /** Whether a statement since the last {@link transaction} began (or {@link run}) changed rows. */
  private changed = false;

  /** Whether rows this connection changed were committed (for {@link close}'s upkeep). */
  private wrote = false;

  all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.locked(() => this.direct.all<T>(sql, params));
  }

  /** A read's rows as value arrays (see `SqlConnection.values`). */
  values(sql: string, params?: SqlParams): Promise<RowValues> {
    return this.locked(() => this.direct.values(sql, params));
  }

  /**
   * The connection's turn for `fn`. While {@link iterate} streams, the
   * connection is the stream's until it ends: a call made meanwhile (from the
   * loop reading the stream, most likely) would wait forever, so it is refused.
   */
  private locked<T>(fn: () => Promise<T>): Promise<T> {
    if (this.streaming) {
      return Promise.reject(
        new StorageError(`${this.location} is streaming the rows of a query`, {
          hint: 'Finish or break the loop over the streamed runs first (collect what you need, act after it), or read page by page with listRuns',
        }),
      );
    }
    return this.mutex.lock(fn);
  }

  /** Whether a stream holds the connection (see {@link iterate}). */
  private streaming = false;

  runMany(sql: string, paramSets: readonly SqlParams[]): Promise<RunResult> {
    return this.transaction((tx) => tx.runMany(sql, paramSets));
  }

  /**
   * Run `fn` in one transaction. On SQLite a write transaction begins with
   * `BEGIN IMMEDIATE`, which takes the write lock up front, so a concurrent writer waits at BEGIN (where a busy timeout can retry it)
   * instead of failing half-way with SQLITE_BUSY when it tries to upgrade a read
   * lock. Use the `tx` executor inside `fn`, never the database itself.
   */
  transaction<T>(fn: (tx: Executor) => Promise<T>, mode: 'write' | 'read' = 'write'): Promise<T> {
    return this.locked(async () => {
      await this.begin(mode === 'write' ? this.dialect.beginWrite : this.dialect.beginRead);
      this.connection.onTransaction?.('begin');
      this.changed = false;
      try {
        const result = await fn(this.direct);
        // A commit that changed no row (a sweep that found nothing) wrote nothing.
        const changed = this.changed;
        await this.direct.run('COMMIT');
        if (changed) this.wrote = true;
        this.connection.onTransaction?.('commit');
        return result;
      } catch (error) {
        try {
          await this.connection.run('ROLLBACK', []);
        } catch {
          // Already rolled back by SQLite (e.g. after SQLITE_FULL); the original error matters.
        }
        this.connection.onTransaction?.('rollback');
        throw error;
      }
    });
  }

  /**
   * `BEGIN`, retried a bounded number of times when another writer holds the
   * lock. The adapter's busy timeout already waits inside SQLite; these retries
   * cover the cases where SQLite returns SQLITE_BUSY without waiting (e.g. while
   * another connection recovers a WAL), with jittered backoff.
   */
  private async begin(statement: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.direct.run(statement);
        return;
      } catch (error) {
        if (!(error instanceof DatabaseLockedError) || attempt >= BEGIN_ATTEMPTS) throw error;
        await new Promise((resolve) =>
          setTimeout(resolve, 10 * 2 ** attempt * (0.5 + Math.random())),
        );
      }
    }
  }

  /** Whether {@link iterate} streams (the connection can), rather than reading every row first. */
  get streams(): boolean {
    return !!this.connection.iterate;
  }

  /**
   * The rows of one statement, one at a time: streamed when the connection can
   * ({@link streams}), else read at once. The connection is held until the
   * iteration ends (finished, broken off, or failed).
   */
  async *iterate(sql: string, params?: SqlParams): AsyncGenerator<Row> {
    const connection = this.connection;
    if (!connection.iterate) {
      yield* await this.all(sql, params);
      return;
    }
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await new Promise<void>((acquired) => {
      void this.mutex.lock(() => {
        acquired();
        return held;
      });
    });
    this.streaming = true;
    try {
      if (this.closed) throw new ClosedError(this.location);
      let rows: Iterable<Row> | AsyncIterable<Row>;
      try {
        rows = connection.iterate(sql, params ?? []);
      } catch (error) {
        throw classifySqliteError(error, this.location);
      }
      try {
        for await (const row of rows) yield row;
      } catch (error) {
        throw classifySqliteError(error, this.location);
      }
    } finally {
      this.streaming = false;
      release();
    }
  }

  /** Run `fn` with exclusive use of the connection, outside any transaction. */
  exclusive<T>(fn: (db: Executor) => Promise<T>): Promise<T> {
    return this.locked(() => fn(this.direct));
  }

  /**
   * Close once; later calls are no-ops. A connection that committed writes first
   * runs its dialect's upkeep (`afterWrites`); one that only
   * read, or whose every write failed, leaves the file as it found it.
   * `upkeep: false` skips it (a database about to be deleted).
   */
  async close(options: { upkeep?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    await this.mutex.lock(async () => {
      if (this.closed) return;
      if (this.wrote && options.upkeep !== false && this.dialect.afterWrites) {
        try {
          await this.dialect.afterWrites(this.direct);
        } catch {
          // Statistics are an optimisation: a busy lock or a full disk must not fail the close.
        }
      }
      this.closed = true;
      await this.connection.close();
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
