import { describe, expect, it } from 'vitest';
import type { SqlConnection, TransactionEvent } from './adapter.js';
import { Database } from './database.js';

/** A connection that records statements and transaction events; `fail` makes a statement throw. */
function recordingConnection(fail: (sql: string) => boolean = () => false) {
  const log: string[] = [];
  const connection: SqlConnection = {
    async run(sql) {
      log.push(sql);
      if (fail(sql)) throw new Error(`${sql} failed`);
      return { changes: 0 };
    },
    async all(sql) {
      log.push(sql);
      return [];
    },
    async close() {},
    onTransaction(event: TransactionEvent) {
      log.push(`event:${event}`);
    },
  };
  return { connection, log };
}

describe('Database transaction events', () => {
  it('tells the connection of a begin and a commit, after their statements', async () => {
    const { connection, log } = recordingConnection();
    await new Database(connection, 'memory:t.db').transaction((tx) => tx.run('INSERT 1'));
    expect(log).toEqual(['BEGIN IMMEDIATE', 'event:begin', 'INSERT 1', 'COMMIT', 'event:commit']);
  });

  it('tells of a rollback when the work fails, even when ROLLBACK itself fails', async () => {
    const { connection, log } = recordingConnection(
      (sql) => sql === 'INSERT 1' || sql === 'ROLLBACK',
    );
    const db = new Database(connection, 'memory:t.db');
    await expect(db.transaction((tx) => tx.run('INSERT 1'))).rejects.toThrow();
    expect(log).toEqual([
      'BEGIN IMMEDIATE',
      'event:begin',
      'INSERT 1',
      'ROLLBACK',
      'event:rollback',
    ]);
  });

  it('tells nothing of a BEGIN that failed', async () => {
    const { connection, log } = recordingConnection((sql) => sql.startsWith('BEGIN'));
    const db = new Database(connection, 'memory:t.db');
    await expect(db.transaction(async () => 1)).rejects.toThrow();
    expect(log.filter((line) => line.startsWith('event:'))).toEqual([]);
  });
});
