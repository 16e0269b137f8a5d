/**
 * A connection's `values`: a query's rows as value arrays under their column
 * names, the same rows `all` gives as objects; a write returning rows writes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { wrapConnection } from './index.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeta-values-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

it('gives the rows of all() as arrays, and writes through RETURNING', async () => {
  const file = path.join(dir, 'v.db');
  const connection = wrapConnection(new BetterSqlite3(file));
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
  const objects = await connection.all(sql, [0]);
  expect(values.columns).toEqual(['id', 'name', 'score', 'data']);
  expect(
    values.rows.map((row) => Object.fromEntries(values.columns.map((c, i) => [c, row[i]]))),
  ).toEqual(objects);
  expect(values.rows[1]).toEqual([2, null, null, null]);
  // The same statement read as objects again: the raw mode is the values' own.
  expect(await connection.all(sql, [1])).toEqual([objects[1]]);
  expect(await connection.values!(sql, [9])).toMatchObject({ rows: [] });

  const returned = await connection.values!('INSERT INTO t (name) VALUES (?) RETURNING id, name', [
    'c',
  ]);
  expect(returned).toEqual({ columns: ['id', 'name'], rows: [[3, 'c']] });
  expect(await connection.values!('DELETE FROM t WHERE id = ?', [1])).toEqual({
    columns: [],
    rows: [],
  });
  await connection.close();
  // An independent connection sees both writes.
  const plain = new BetterSqlite3(file, { readonly: true });
  expect(plain.prepare('SELECT id, name FROM t ORDER BY id').raw().all()).toEqual([
    [2, null],
    [3, 'c'],
  ]);
  plain.close();
});
