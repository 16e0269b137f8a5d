import initSqlJs from 'sql.js';
import { describe, expect, it } from 'vitest';
import { expectValuesLikeAll } from '../../../../test-support/connection-values.js';
import { createSqlJsAdapter, DEFAULT_MAX_BYTES } from '../../src/index.js';

const SQL = await initSqlJs();
const rowsOf = (bytes: Uint8Array, sql: string) => {
  const db = new SQL.Database(bytes);
  try {
    return db.exec(sql)[0]?.values ?? [];
  } finally {
    db.close();
  }
};

describe('sql.js connections', () => {
  it('gives the rows of all() as value arrays under their column names (values)', async () => {
    const adapter = await createSqlJsAdapter();
    const db = await adapter.open('runs.db');
    await expectValuesLikeAll(db);
    await db.close();
    expect(
      rowsOf(await adapter.readBytes('runs.db'), 'SELECT id, name FROM t ORDER BY id'),
    ).toEqual([
      [1, 'a'],
      [2, null],
      [3, 'c'],
    ]);
  });

  it('takes a snapshot only between transactions, and stays usable afterwards', async () => {
    const adapter = await createSqlJsAdapter();
    const db = await adapter.open('runs.db');
    await db.run('CREATE TABLE p (id INTEGER PRIMARY KEY)');
    await db.run('CREATE TABLE c (id INTEGER PRIMARY KEY, p INTEGER REFERENCES p(id))');
    await db.run('BEGIN IMMEDIATE');
    await db.run('INSERT INTO p (id) VALUES (?)', [1]);
    let taken: Uint8Array | undefined;
    const snapshot = adapter.snapshot('runs.db').then((bytes) => {
      taken = bytes;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(taken).toBeUndefined(); // waits: exporting now would end the transaction
    await db.run('INSERT INTO p (id) VALUES (?)', [2]);
    await db.run('COMMIT');
    await snapshot;
    expect(rowsOf(taken!, 'SELECT id FROM p ORDER BY id')).toEqual([[1], [2]]);
    // Prepared statements and pragmas survive the export: foreign keys still hold.
    await db.run('INSERT INTO p (id) VALUES (?)', [3]);
    await expect(db.run('INSERT INTO c (id, p) VALUES (?, ?)', [1, 99])).rejects.toThrow(
      /FOREIGN KEY constraint failed/,
    );
    expect(db.changed()).toBe(true);
    await db.close();
    expect(rowsOf(await adapter.readBytes('runs.db'), 'SELECT count(*) FROM p')).toEqual([[3]]);
  });

  it('runs every connection with trusted_schema off: code stored in a file calls no function with side effects', async () => {
    const adapter = await createSqlJsAdapter();
    for (const readOnly of [false, true]) {
      const db = await adapter.open('runs.db', { readOnly });
      expect(await db.all('PRAGMA trusted_schema')).toEqual([{ trusted_schema: 0 }]);
      await db.close();
    }
  });

  it('stores nothing back when a connection only read', async () => {
    const changes: string[] = [];
    const adapter = await createSqlJsAdapter({ onChange: (name) => changes.push(name) });
    const writer = await adapter.open('runs.db');
    await writer.run('CREATE TABLE t (x)');
    await writer.close();
    const before = await adapter.readBytes('runs.db');
    const reader = await adapter.open('runs.db');
    await reader.all('SELECT * FROM t');
    expect(reader.changed()).toBe(false);
    await reader.close();
    expect(await adapter.readBytes('runs.db')).toEqual(before);
    expect(changes).toEqual(['runs.db']);
  });

  it('refuses bytes above maxBytes on write and on open, leaving the container as it was', async () => {
    const adapter = await createSqlJsAdapter({ maxBytes: 10_000 });
    const small = await adapter.open('runs.db');
    await small.run('CREATE TABLE t (x)');
    await small.close();
    const before = await adapter.readBytes('runs.db');
    const big = new Uint8Array(16_384);
    big.set(new TextEncoder().encode('SQLite format 3\0'));
    await expect(adapter.writeBytes('runs.db', big)).rejects.toMatchObject({
      code: 'RUNMETA_TOO_LARGE',
      bytes: 16_384,
      limitBytes: 10_000,
    });
    expect(await adapter.readBytes('runs.db')).toEqual(before);
    expect((await createSqlJsAdapter()).maxBytes).toBe(DEFAULT_MAX_BYTES);
    // A database already in the container (loaded from IndexedDB) is refused on open.
    const limited = await createSqlJsAdapter({ maxBytes: 10_000 });
    limited.container.load([['big.db', big]]);
    await expect(limited.open('big.db')).rejects.toMatchObject({ code: 'RUNMETA_TOO_LARGE' });
    expect(limited.openNames()).toEqual([]);
    expect(await limited.exists('big.db')).toBe(true);
  });
});

describe('transaction tracking', () => {
  it('a BEGIN that fails opens no transaction, so a snapshot does not wait forever', async () => {
    const adapter = await createSqlJsAdapter();
    const setup = await adapter.open('runs.db');
    await setup.run('CREATE TABLE t (x)');
    await setup.close();
    const reader = await adapter.open('runs.db', { readOnly: true });
    await expect(reader.run('BEGIN IMMEDIATE')).rejects.toThrow(); // query_only
    await expect(reader.run('ROLLBACK')).rejects.toThrow(/no transaction is active/);
    const bytes = await adapter.snapshot('runs.db');
    expect(rowsOf(bytes, 'SELECT count(*) FROM t')).toEqual([[0]]);
    await reader.close();
  });
});
