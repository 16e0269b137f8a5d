/**
 * The schema versions every open reads (`observeSchema`) come from a loose scan
 * of the `schema_version` index when the file has the SDK's index — so opening a
 * million-run file does not walk a million index entries — and must be exactly
 * what `SELECT DISTINCT CAST(schema_version AS TEXT)` says, on any column shape:
 * checked here against that query on the untouched file, for text, numbers,
 * blobs, case variants and trailing spaces, with and without a usable index.
 */
import path from 'node:path';
import { openDatabase } from '@runmeta/core';
import { observeSchema } from '@runmeta/core/adapter';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeSqliteAdapter } from '../src/index.js';
import { makeTempDir, plainAll, removeDir } from './process-helpers.js';

let dir: string;
beforeAll(() => {
  dir = makeTempDir('schema-versions');
});
afterAll(() => removeDir(dir));

/** Stored values, as SQL literals: integer 7 and real 7.0 print apart (`7`, `7.0`). */
const VALUES = [
  "'2.0'",
  "'2.0'",
  "'1.0'",
  "'3.0'",
  "'2.0 '",
  "'V2'",
  "'v2'",
  "'10.0'",
  "''",
  'NULL',
  '2',
  '2.0',
  '2.5',
  '7',
  '7.0',
  "CAST('2.0' AS BLOB)",
  "x'ff00'",
];

/** A runs table of `column` (declared type and collation) holding {@link VALUES}, with `index` SQL. */
function makeFile(name: string, column: string, index: string | null): string {
  const file = path.join(dir, name);
  const db = new BetterSqlite3(file);
  try {
    db.exec(`CREATE TABLE runs (run_id TEXT PRIMARY KEY, status TEXT, schema_version ${column})`);
    if (index) db.exec(index);
    for (const [i, value] of VALUES.entries()) {
      db.exec(`INSERT INTO runs (run_id, schema_version) VALUES ('r${i}', ${value})`);
    }
  } finally {
    db.close();
  }
  return file;
}

async function observed(file: string): Promise<string[]> {
  const adapter = createNodeSqliteAdapter({ directory: path.dirname(file) });
  const db = await openDatabase(adapter, path.basename(file), { readOnly: true });
  try {
    return (await observeSchema(db)).schemaVersions;
  } finally {
    await db.close();
  }
}

/** The independent answer: every distinct value as text, sorted as the SDK sorts. */
function expected(file: string): string[] {
  return plainAll(
    file,
    'SELECT DISTINCT CAST(schema_version AS TEXT) AS v FROM runs WHERE schema_version IS NOT NULL',
  )
    .map((r) => String(r.v))
    .sort();
}

describe('schema versions read on open', () => {
  it.for([
    [
      'the SDK shape: TEXT with a plain index',
      "TEXT DEFAULT '2.0'",
      'CREATE INDEX i ON runs (schema_version)',
    ],
    ['TEXT without an index', 'TEXT', null],
    [
      'VARCHAR(8) with a two-column index',
      'VARCHAR(8)',
      'CREATE INDEX i ON runs (schema_version, run_id)',
    ],
    [
      'TEXT COLLATE NOCASE with its index',
      'TEXT COLLATE NOCASE',
      'CREATE INDEX i ON runs (schema_version)',
    ],
    ['TEXT with a NOCASE index', 'TEXT', 'CREATE INDEX i ON runs (schema_version COLLATE NOCASE)'],
    [
      'TEXT with a partial index',
      'TEXT',
      "CREATE INDEX i ON runs (schema_version) WHERE schema_version <> '1.0'",
    ],
    ['TEXT with a descending index', 'TEXT', 'CREATE INDEX i ON runs (schema_version DESC)'],
    ['no declared type (numbers stay numbers)', '', 'CREATE INDEX i ON runs (schema_version)'],
    ['REAL', 'REAL', 'CREATE INDEX i ON runs (schema_version)'],
    ['NUMERIC', 'NUMERIC', 'CREATE INDEX i ON runs (schema_version)'],
    [
      'POINT (INTEGER affinity, though it reads like text)',
      'POINTTEXT',
      'CREATE INDEX i ON runs (schema_version)',
    ],
  ] as const)('%s', async ([, column, index], { task }) => {
    const file = makeFile(`${task.id}.db`, column, index);
    const want = expected(file);
    expect(want.length).toBeGreaterThan(3);
    expect(await observed(file)).toEqual(want);
  });

  it('reads none from an empty table and from a table without the column', async () => {
    const empty = makeFile('empty.db', 'TEXT', 'CREATE INDEX i ON runs (schema_version)');
    const db = new BetterSqlite3(empty);
    db.exec('DELETE FROM runs');
    db.close();
    expect(await observed(empty)).toEqual([]);
    const v1 = path.join(dir, 'v1.db');
    const plain = new BetterSqlite3(v1);
    plain.exec("CREATE TABLE runs (run_id TEXT PRIMARY KEY); INSERT INTO runs VALUES ('a')");
    plain.close();
    expect(await observed(v1)).toEqual([]);
  });
});
