/**
 * A connection's `values`: a query's rows as value arrays under their column
 * names, the same rows `all` gives as objects; a write returning rows writes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { expectValuesLikeAll } from '../../../test-support/connection-values.js';
import { wrapConnection } from './index.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeta-values-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

it('gives the rows of all() as arrays, and writes through RETURNING', async () => {
  const file = path.join(dir, 'v.db');
  const connection = wrapConnection(new BetterSqlite3(file));
  await expectValuesLikeAll(connection);
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
