/**
 * What every connection's `values` must do, for the connection tests of each
 * backend (never shipped): give the rows `all` gives, as arrays under their
 * column names, and write through a statement that returns rows. The caller
 * reads the table back with an independent connection afterwards.
 */
import type { SqlConnection } from '@runmeta/core/adapter';
import { expect } from 'vitest';

/** Fill table `t` and check `values` against `all`; leaves rows (1,'a'), (2,null), (3,'c'). */
export async function expectValuesLikeAll(connection: SqlConnection): Promise<void> {
  await connection.run('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB)');
  await connection.run('INSERT INTO t (name, score, data) VALUES (?, ?, ?), (?, ?, ?)', [
    'a',
    1.5,
    new Uint8Array([1, 2]),
    null,
    null,
    null,
  ]);
  const sql = 'SELECT * FROM t WHERE id > ? ORDER BY id';
  const values = await connection.values!(sql, [0]);
  expect(values.columns).toEqual(['id', 'name', 'score', 'data']);
  const asObjects = values.rows.map((row) =>
    Object.fromEntries(values.columns.map((column, i) => [column, row[i]])),
  );
  expect(asObjects).toEqual(await connection.all(sql, [0]));
  expect(values.rows[1]).toEqual([2, null, null, null]);
  // The same text read as objects again, and a read that finds nothing.
  expect(await connection.all(sql, [1])).toEqual([asObjects[1]]);
  expect(await connection.values!(sql, [9])).toMatchObject({ rows: [] });
  expect(
    await connection.values!('INSERT INTO t (name) VALUES (?) RETURNING id, name', ['c']),
  ).toEqual({ columns: ['id', 'name'], rows: [[3, 'c']] });
}
