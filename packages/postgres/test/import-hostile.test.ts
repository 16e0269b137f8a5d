/**
 * Importing SQLite files whose names and values PostgreSQL treats differently:
 * what can arrive exactly arrives exactly (names as named, rows in insertion
 * order, runmeta's hidden names never colliding with a file's own columns), and
 * what cannot is refused naming the table, column and run, leaving nothing on
 * the server and the file unchanged. Checked with a plain node-postgres client
 * against the rows the test itself wrote into the file.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { importRunDatabase, MetadataManager, openDatabase } from '@runmeta/core';
import type { SqlValue } from '@runmeta/core/adapter';
import { createNodeSqliteAdapter } from '@runmeta/node-sqlite';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, sha256 } from '../../../test-support/temp-files.js';
import { dropTestSchemas, freshAdapter, postgresUrl } from './support.js';

const temp = makeTempDir('pg-import-hostile');
afterAll(async () => {
  removeDir(temp);
  await dropTestSchemas();
});

let files = 0;
/** A v1 run database (two runs) plus `statements`, as a file of its own. */
async function sqliteFile(statements: string[], params: SqlValue[][] = []) {
  const dir = path.join(temp, String(++files));
  const adapter = createNodeSqliteAdapter({ directory: dir });
  const db = await openDatabase(adapter, 'runs.db');
  await db.run(
    'CREATE TABLE runs (run_id TEXT PRIMARY KEY, template_id TEXT, created_at TIMESTAMP, causal_mode TEXT, status TEXT, goal TEXT)',
  );
  await db.run(
    "INSERT INTO runs VALUES ('r1', 't', '2024-01-01T00:00:00', 'forward', 'completed', 'g1'), ('r2', 't', '2024-01-02T00:00:00', 'forward', 'completed', 'g2')",
  );
  for (const [i, sql] of statements.entries()) await db.run(sql, params[i] ?? []);
  await db.close();
  return { adapter, file: path.join(dir, 'runs.db') };
}

/** A plain query on the test server. */
async function plain(text: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: postgresUrl() });
  await client.connect();
  try {
    return (await client.query({ text, rowMode: 'array' })).rows.map((row: unknown[]) =>
      Object.fromEntries(row.map((v, i) => [i, v])),
    );
  } finally {
    await client.end();
  }
}

/** Rows of a table as arrays, as the server holds them, in the hidden order when there is one. */
async function serverRows(schema: string, table: string, columns: string[], order: string) {
  const list = columns.map((c) => pg.escapeIdentifier(c)).join(', ');
  const rows = await plain(
    `SELECT ${list} FROM ${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)} ORDER BY ${order}`,
  );
  return rows.map((r) => columns.map((_, i) => r[i]));
}

/** Import `source` into a fresh container; the error, if it failed. */
async function importInto(
  source: Awaited<ReturnType<typeof sqliteFile>>,
  strategy = 'archive',
  pageSize?: number,
) {
  const target = freshAdapter();
  const before = sha256(source.file);
  const error = await importRunDatabase({
    from: { adapter: source.adapter, database: 'runs.db' },
    to: { adapter: target, database: 'runs.db' },
    migration: {
      strategy: strategy as 'archive' | 'carry-over',
      ...(pageSize ? { pageSize } : {}),
    },
  }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(sha256(source.file)).toBe(before);
  return { target, error };
}

describe('importing names runmeta uses itself', () => {
  it('keeps a column of its own named _rowid_ or __runmeta_order, rows in insertion order', async () => {
    // Values out of sort order (and a NULL first), so any ordering by them shows.
    const source = await sqliteFile([
      'CREATE TABLE notes ("_rowid_" TEXT, "__runmeta_order" TEXT, "x" INTEGER)',
      "INSERT INTO notes VALUES ('z', 'q', 1), (NULL, 'b', 2), ('a', NULL, 3)",
    ]);
    const { target, error } = await importInto(source);
    expect(error).toBeNull();
    const schema = target.schemaFor('runs_v1_archive.db');
    // The file's _rowid_ is the table's own column; no hidden one was added.
    const columns = await plain(
      `SELECT attname FROM pg_attribute WHERE attrelid = '${pg.escapeIdentifier(schema)}.notes'::regclass AND attnum > 0 ORDER BY attnum`,
    );
    expect(columns.map((r) => r[0])).toEqual(['_rowid_', '__runmeta_order', 'x']);
    expect(await serverRows(schema, 'notes', ['_rowid_', '__runmeta_order', 'x'], 'ctid')).toEqual(
      [
        ['z', 'q', 1],
        [null, 'b', 2],
        ['a', null, 3],
      ].map(([a, b, x]) => [a, b, String(x)]),
    );
  });

  it('refuses to carry a runs column named _rowid_ into v2, naming it, and imports nothing', async () => {
    const source = await sqliteFile([
      'ALTER TABLE runs ADD COLUMN "_rowid_" TEXT',
      'UPDATE runs SET "_rowid_" = \'same\'',
    ]);
    const { target, error } = await importInto(source, 'carry-over');
    expect(error).toMatchObject({
      code: 'RUNMETA_MIGRATION_FAILED',
      message: expect.stringMatching(/runs has a column of its own named _rowid_.*'archive'/),
    });
    expect(await target.list()).toEqual([]);
  });
});

describe('carrying over columns named in another case, or like runmeta’s working names', () => {
  it('writes Template_ID into template_id, and keeps a column named __runmeta_rowid', async () => {
    const dir = path.join(temp, 'case');
    const adapter = createNodeSqliteAdapter({ directory: dir });
    const db = await openDatabase(adapter, 'runs.db');
    await db.run(
      'CREATE TABLE runs (run_id TEXT PRIMARY KEY, Template_ID TEXT, created_at TIMESTAMP, CAUSAL_MODE TEXT, status TEXT, "__runmeta_rowid" TEXT)',
    );
    const rows = [
      ['r1', 'jefferson', 'forward', 'z'],
      ['r2', 'board', 'branching', 'a'],
    ];
    for (const [id, template, mode, extra] of rows) {
      await db.run("INSERT INTO runs VALUES (?, ?, '2024-01-01T00:00:00', ?, 'completed', ?)", [
        id!,
        template!,
        mode!,
        extra!,
      ]);
    }
    await db.close();
    const { target, error } = await importInto(
      { adapter, file: path.join(dir, 'runs.db') },
      'carry-over',
      1, // a page a row: the next page starts after the rowid, never after a value
    );
    expect(error).toBeNull();
    const schema = target.schemaFor('runs.db');
    expect(
      await serverRows(
        schema,
        'runs',
        ['run_id', 'template_id', 'causal_mode', '__runmeta_rowid'],
        '"_rowid_"',
      ),
    ).toEqual(rows);
  });
});

describe('importing names PostgreSQL treats differently', () => {
  it('keeps quotes, dots, spaces, upper case and placeholder characters as named', async () => {
    const table = 'Odd "Table".x';
    const columns = ['Col A', "it's", 'a.b', 'UPPER', '?', '$1', '_ROWID_'];
    const source = await sqliteFile(
      [
        `CREATE TABLE "Odd ""Table"".x" (${columns.map((c) => `"${c.replaceAll('"', '""')}" TEXT`).join(', ')})`,
        `INSERT INTO "Odd ""Table"".x" VALUES (${columns.map(() => '?').join(', ')})`,
      ],
      [[], columns.map((c) => `value of ${c}`)],
    );
    const { target, error } = await importInto(source);
    expect(error).toBeNull();
    const schema = target.schemaFor('runs_v1_archive.db');
    expect(await serverRows(schema, table, columns, '"_rowid_"')).toEqual([
      columns.map((c) => `value of ${c}`),
    ]);
  });

  it('keeps tables named like the server’s implicit objects of another table', async () => {
    // runs (key run_id) gets the index runs_pkey; notes gets notes__rowid__seq.
    const source = await sqliteFile([
      'CREATE TABLE "runs_pkey" (v TEXT)',
      "INSERT INTO runs_pkey VALUES ('kept')",
      'CREATE TABLE notes (v TEXT)',
      'CREATE TABLE "notes__rowid__seq" (v TEXT)',
    ]);
    const { target, error } = await importInto(source);
    expect(error).toBeNull();
    const schema = target.schemaFor('runs_v1_archive.db');
    const tables = await plain(
      `SELECT relname FROM pg_class WHERE relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = '${schema}') AND relkind = 'r' ORDER BY relname`,
    );
    expect(tables.map((r) => r[0])).toEqual(['notes', 'notes__rowid__seq', 'runs', 'runs_pkey']);
    expect(await serverRows(schema, 'runs_pkey', ['v'], '"_rowid_"')).toEqual([['kept']]);
  });

  it.each([
    ['a column name over 63 bytes', `"${'c'.repeat(64)}" TEXT`, `notes.${'c'.repeat(64)}`],
    // Two names PostgreSQL would cut to the same 63 bytes.
    [
      'names that collide once cut',
      `"${'k'.repeat(63)}1" TEXT, "${'k'.repeat(63)}2" TEXT`,
      `notes.${'k'.repeat(63)}1`,
    ],
    ['a system column name', '"xmin" TEXT', 'notes.xmin'],
  ])('refuses %s, naming it, and imports nothing', async (_, definition, field) => {
    const source = await sqliteFile([`CREATE TABLE notes (${definition})`]);
    const { target, error } = await importInto(source);
    expect(error).toMatchObject({ code: 'RUNMETA_VALIDATION', field });
    expect((error as Error).message).toMatch(/RENAME COLUMN/);
    expect(await target.list()).toEqual([]);
  });

  it('refuses a table name over 63 bytes, naming it', async () => {
    const name = `t${'é'.repeat(32)}`; // 65 bytes in 33 characters
    const source = await sqliteFile([`CREATE TABLE "${name}" (x TEXT)`]);
    const { target, error } = await importInto(source);
    expect(error).toMatchObject({ code: 'RUNMETA_VALIDATION', field: name });
    expect(await target.list()).toEqual([]);
  });
});

describe('importing values PostgreSQL cannot store as they are', () => {
  it('refuses text with a NUL character, naming the run and the column', async () => {
    const source = await sqliteFile(["UPDATE runs SET goal = ? WHERE run_id = 'r2'"], [['a\0b']]);
    const { target, error } = await importInto(source);
    expect(error).toMatchObject({ code: 'RUNMETA_VALIDATION', field: 'runs.goal' });
    expect((error as Error).message).toMatch(/run "r2" holds a NUL character/);
    expect(await target.list()).toEqual([]);
  });

  it('refuses text whose bytes are not UTF-8, which would arrive changed', async () => {
    const source = await sqliteFile([
      "INSERT INTO runs (run_id, goal) VALUES ('r3', 'fine \uFFFD as written')",
      'CREATE TABLE notes (v TEXT)',
      "INSERT INTO notes VALUES ('ok'), (CAST(x'61ff62' AS TEXT))",
    ]);
    const { target, error } = await importInto(source);
    expect(error).toMatchObject({ code: 'RUNMETA_VALIDATION', field: 'notes.v' });
    expect((error as Error).message).toMatch(
      /the row with rowid 2 holds text whose bytes are not UTF-8/,
    );
    expect(await target.list()).toEqual([]);
  });

  it('refuses an integer a double cannot hold in a column that also holds reals', async () => {
    const source = await sqliteFile([
      'CREATE TABLE m (v)',
      'INSERT INTO m VALUES (1.5), (9007199254740993)',
    ]);
    const { target, error } = await importInto(source);
    expect(error).toMatchObject({ code: 'RUNMETA_VALIDATION', field: 'm.v' });
    expect((error as Error).message).toMatch(/rowid 2 holds the integer 9007199254740993/);
    expect(await target.list()).toEqual([]);
  });

  it('names the column that mixes binary and other values', async () => {
    const source = await sqliteFile([
      'CREATE TABLE m (w)',
      "INSERT INTO m VALUES (x'01'), ('text')",
    ]);
    const { target, error } = await importInto(source);
    expect(error).toMatchObject({
      code: 'RUNMETA_MIGRATION_FAILED',
      message: expect.stringContaining('m.w: a column declared (no type) holds both binary'),
    });
    expect(await target.list()).toEqual([]);
  });

  it('carries infinities and 64-bit integers in their own columns exactly', async () => {
    const source = await sqliteFile([
      'CREATE TABLE m (r REAL, i INTEGER)',
      'INSERT INTO m VALUES (9e999, 9223372036854775807), (-9e999, -9223372036854775808)',
    ]);
    const { target, error } = await importInto(source);
    expect(error).toBeNull();
    const schema = target.schemaFor('runs_v1_archive.db');
    expect(await serverRows(schema, 'm', ['r', 'i'], '"_rowid_"')).toEqual([
      [Number.POSITIVE_INFINITY, '9223372036854775807'],
      [Number.NEGATIVE_INFINITY, '-9223372036854775808'],
    ]);
  });
});

describe('values PostgreSQL cannot hold, given to a write', () => {
  it('a NUL character, or a run id too long for its index, is a validation error', async () => {
    const manager = await MetadataManager.open({ adapter: freshAdapter() });
    const nul = await manager
      .startRun({ templateId: 't', causalMode: 'forward', goal: 'a\0b' })
      .catch((e: unknown) => e);
    // Random hex does not compress: 8000 bytes exceed a B-tree entry (2704).
    const runId = randomBytes(4000).toString('hex');
    const long = await manager
      .startRun({ runId, templateId: 't', causalMode: 'forward' })
      .catch((e: unknown) => e);
    await manager.close();
    expect(nul).toMatchObject({ code: 'RUNMETA_VALIDATION' });
    expect(long).toMatchObject({ code: 'RUNMETA_VALIDATION' });
  });
});
