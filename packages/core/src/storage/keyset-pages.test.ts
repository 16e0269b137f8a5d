import { describe, expect, it } from 'vitest';
import type { Row, SqlValue } from '../sql/values.js';
import type { Executor } from './database.js';
import {
  copyKeysetPages,
  keyOf,
  keysetPages,
  keysetSelects,
  type RowOrder,
  rowOrderOf,
} from './keyset-pages.js';

/** A table of `n` rows keyed 1..n, read like `first`/`next` would. */
function reader(n: number, pageSize: number, reads: (SqlValue[] | null)[]) {
  const rows: Row[] = Array.from({ length: n }, (_, i) => ({ k: i + 1, v: `row ${i + 1}` }));
  return {
    read: async (after: SqlValue[] | null) => {
      reads.push(after);
      const from = after === null ? 0 : rows.findIndex((r) => Number(r.k) > Number(after[0]));
      return from < 0 ? [] : rows.slice(from, from + pageSize).map((r) => ({ ...r }));
    },
    keyOf: (row: Row) => [row.k ?? null],
    pageSize,
  };
}

async function collect(pages: AsyncIterable<Row[]>): Promise<Row[][]> {
  const out: Row[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

describe('keysetPages', () => {
  it('reads each page after the last key of the one before, and stops at a short page', async () => {
    const reads: (SqlValue[] | null)[] = [];
    const pages = await collect(keysetPages(reader(5, 2, reads)));
    expect(pages.map((p) => p.map((r) => r.k))).toEqual([[1, 2], [3, 4], [5]]);
    expect(reads).toEqual([null, [2], [4]]);
  });

  it('reads once more after a full last page, and yields no empty page', async () => {
    const reads: (SqlValue[] | null)[] = [];
    const pages = await collect(keysetPages(reader(4, 2, reads)));
    expect(pages.map((p) => p.map((r) => r.k))).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(reads).toEqual([null, [2], [4]]);
    expect(await collect(keysetPages(reader(0, 2, [])))).toEqual([]);
  });

  it('takes the key before handing the page out, so callers may change its rows', async () => {
    const reads: (SqlValue[] | null)[] = [];
    for await (const page of keysetPages(reader(3, 2, reads))) for (const row of page) delete row.k;
    expect(reads).toEqual([null, [2]]);
  });

  it('reads a table without an order in one go', async () => {
    const reads: (SqlValue[] | null)[] = [];
    const table = { ...reader(5, 2, reads), keyOf: null, read: async () => [{ a: 1 }, { a: 2 }] };
    expect(await collect(keysetPages(table))).toEqual([[{ a: 1 }, { a: 2 }]]);
  });
});

describe('copyKeysetPages', () => {
  it('checks, inserts, reports and pauses page by page', async () => {
    const events: string[] = [];
    const target = {
      runMany: async (sql: string, params: SqlValue[][]) => {
        events.push(`${sql} ${JSON.stringify(params)}`);
      },
    } as unknown as Executor;
    const copied = await copyKeysetPages({
      source: reader(3, 2, []),
      target,
      insert: 'INSERT',
      params: (row) => [row.v ?? null],
      check: async (rows, before) => {
        events.push(`check ${rows.length} after ${before}`);
      },
      onPage: (done) => events.push(`done ${done}`),
      pause: async () => {
        events.push('pause');
      },
    });
    expect(copied).toBe(3);
    expect(events).toEqual([
      'check 2 after 0',
      'INSERT [["row 1"],["row 2"]]',
      'done 2',
      'pause',
      'check 1 after 2',
      'INSERT [["row 3"]]',
      'done 3',
      'pause',
    ]);
  });
});

describe('row order', () => {
  it('pages by rowid, or by the primary key of a table without rowid', () => {
    expect(rowOrderOf(null, 'runs')).toEqual({
      key: ['_rowid_'],
      rowid: true,
      aliases: ['__runmeta_rowid'],
    });
    const schema = {
      tables: {
        t: [
          { name: 'a', type: 'TEXT', notNull: true, primaryKey: true },
          { name: 'b', type: 'TEXT', notNull: true, primaryKey: true },
          { name: 'c', type: 'TEXT', notNull: false, primaryKey: false },
        ],
      },
      withoutRowid: ['t'],
    } as unknown as Parameters<typeof rowOrderOf>[0];
    const order = rowOrderOf(schema, 't');
    expect(order).toEqual({
      key: ['"a"', '"b"'],
      rowid: false,
      aliases: ['__runmeta_rowid', '__runmeta_key1'],
    });
    expect(keyOf(order, { __runmeta_rowid: 'x', __runmeta_key1: 'y', c: 1 })).toEqual(['x', 'y']);
  });

  it('builds the first and next page reads', () => {
    const order: RowOrder = { key: ['"a"', '"b"'], rowid: false, aliases: ['p', 'q'] };
    expect(keysetSelects(order, '"c"', '"t"')).toEqual({
      first: 'SELECT "a" AS "p", "b" AS "q", "c" FROM "t" ORDER BY "a", "b" LIMIT ?',
      next: 'SELECT "a" AS "p", "b" AS "q", "c" FROM "t" WHERE ("a", "b") > (?, ?) ORDER BY "a", "b" LIMIT ?',
    });
  });
});
