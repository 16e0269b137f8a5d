/** One PostgreSQL session as core sees it: bulk inserts, prepared statements, value types. */
import { randomBytes } from 'node:crypto';
import { openDatabase, ReadOnlyError } from '@runmeta/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresAdapter } from '../src/index.js';
import { dropTestSchemas, freshAdapter, postgresUrl } from './support.js';

afterAll(dropTestSchemas);

describe('a PostgreSQL connection', () => {
  it('inserts many rows in chunks of one statement each, every row once', async () => {
    const db = await openDatabase(freshAdapter(), 'bulk.db');
    await db.run('CREATE TABLE t (n BIGINT, label TEXT)');
    const rows = Array.from({ length: 1234 }, (_, i) => [i, `row ${i}`]);
    const result = await db.transaction((tx) =>
      tx.runMany('INSERT INTO t (n, label) VALUES (?, ?)', rows),
    );
    expect(result.changes).toBe(1234);
    expect(await db.all('SELECT count(*) AS c, sum(n) AS s FROM t')).toEqual([
      { c: 1234, s: (1233 * 1234) / 2 },
    ]);
    await db.close();
  });

  it('prepares repeated statements, but never more than a bounded number per session', async () => {
    const db = await openDatabase(freshAdapter(), 'prepared.db');
    for (let i = 0; i < 300; i++) {
      expect(await db.all(`SELECT CAST(? AS INTEGER) + ${i} AS v`, [1])).toEqual([{ v: 1 + i }]);
    }
    const [row] = await db.all(
      "SELECT count(*) AS n FROM pg_prepared_statements WHERE name LIKE 'runmeta\\_%'",
    );
    expect(row?.n).toBe(256);
    await db.close();
  });

  it('reads 64-bit integers exactly, booleans as 1/0 and bytes as bytes', async () => {
    const db = await openDatabase(freshAdapter(), 'types.db');
    const [row] = await db.all(
      'SELECT CAST(? AS BIGINT) AS big, CAST(? AS BIGINT) AS small, true AS yes, CAST(? AS BYTEA) AS bytes',
      [9_007_199_254_740_993n, 42, new Uint8Array([0, 1, 255])],
    );
    expect(row).toEqual({
      big: 9_007_199_254_740_993n,
      small: 42,
      yes: 1,
      bytes: new Uint8Array([0, 1, 255]),
    });
    await db.close();
  });

  it('tells a role without CREATE on the database which grant it lacks, creating nothing', async () => {
    const admin = await openDatabase(freshAdapter(), 'admin.db');
    const role = `rm_${randomBytes(4).toString('hex')}`;
    // A new role may connect, but not create schemas (PostgreSQL grants CREATE on
    // a database to its owner only).
    await admin.run(`CREATE ROLE ${role} LOGIN`);
    try {
      const url = new URL(postgresUrl());
      url.username = role;
      const limited = createPostgresAdapter({ connectionString: url.href });
      const error = await limited.open('runs.db').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ReadOnlyError);
      expect((error as Error).message).toMatch(/Grant this role CREATE on the database/);
      expect(await limited.exists('runs.db')).toBe(false);
      await limited.end();
    } finally {
      await admin.run(`DROP ROLE ${role}`);
      await admin.close();
    }
  });
});
