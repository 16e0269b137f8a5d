import { describe, expect, it } from 'vitest';
import { TABLES } from '../../columns/registry.js';
import { createTableSql } from '../../columns/sql.js';
import { sqliteDdl } from '../../columns/sqlite-ddl.js';
import { plainTypeName } from '../copy-dialect.js';
import { sqliteDialect } from './sqlite-dialect.js';
import { sqliteIntrospector } from './sqlite-introspector.js';

describe('sqliteDialect: composed of its roles', () => {
  it('declares tables with its DDL role', () => {
    expect(sqliteDialect.columnType).toBe(sqliteDdl.columnType);
    expect(sqliteDialect.autoincrementKey).toBe('INTEGER PRIMARY KEY AUTOINCREMENT');
    expect(sqliteDialect.foreignKeys).toBe(true);
    expect(sqliteDialect.rowOrderColumn).toBeNull();
    expect(sqliteDialect.mayRefuse).toBeUndefined();
  });

  it('reads the catalog with its introspector', () => {
    expect(sqliteDialect.observeSchema).toBe(sqliteIntrospector.observeSchema);
    expect(sqliteDialect.valueKinds).toBe(sqliteIntrospector.valueKinds);
    expect(sqliteDialect.rowOrder).toBe(sqliteIntrospector.rowOrder);
    expect(sqliteDialect.textReadExactly).toBe(sqliteIntrospector.textReadExactly);
  });

  it('maps every registry type to the same SQLite name', () => {
    for (const type of ['TEXT', 'INTEGER', 'REAL', 'TIMESTAMP', 'BOOLEAN'] as const) {
      expect(sqliteDdl.columnType(type)).toBe(type);
    }
  });

  it('the DDL role alone builds the same tables as the whole dialect', () => {
    for (const table of Object.values(TABLES)) {
      expect(createTableSql(table, undefined, sqliteDdl)).toBe(
        createTableSql(table, undefined, sqliteDialect),
      );
    }
  });

  it('keeps only plain declared type names for copied columns', () => {
    expect(sqliteDialect.copiedColumnType('VARCHAR(11)', ['text'])).toBe('VARCHAR(11)');
    expect(plainTypeName(' DECIMAL(10, 2) ')).toBe('DECIMAL(10, 2)');
    expect(plainTypeName('INT CHECK (x > 0)')).toBe('');
    expect(plainTypeName('')).toBe('');
  });
});

describe('sqliteDialect.integrityCheck', () => {
  /** An executor whose every query answers `rows`, or throws `error`. */
  const executor = (rows: Record<string, unknown>[], error?: unknown) =>
    ({
      dialect: sqliteDialect,
      run: async () => ({ changes: 0 }),
      runMany: async () => ({ changes: 0 }),
      all: async (sql: string) => {
        asked.push(sql);
        if (error) throw error;
        return rows;
      },
    }) as unknown as Parameters<typeof sqliteDialect.integrityCheck>[0];
  let asked: string[] = [];

  it('joins what the check found; quick_check above 250,000 rows', async () => {
    asked = [];
    expect(await sqliteDialect.integrityCheck(executor([{ integrity_check: 'ok' }]), 0)).toBe('ok');
    const found = [{ quick_check: 'row 1 missing from index i' }, { quick_check: 'row 2 missing' }];
    expect(await sqliteDialect.integrityCheck(executor(found), 300_000)).toBe(
      'row 1 missing from index i; row 2 missing',
    );
    expect(asked).toEqual(['PRAGMA integrity_check', 'PRAGMA quick_check']);
  });

  it('reports damage that stops the check as its finding, typed or raw', async () => {
    const raw = Object.assign(new Error('database disk image is malformed'), {
      code: 'SQLITE_CORRUPT',
    });
    const typed = new Error('runs.db is corrupt', { cause: raw });
    for (const error of [raw, typed, { code: 'SQLITE_CORRUPT_INDEX' }]) {
      expect(await sqliteDialect.integrityCheck(executor([], error), 0)).toMatch(
        /^database disk image is malformed/,
      );
    }
  });

  it('throws any other error', async () => {
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    await expect(sqliteDialect.integrityCheck(executor([], busy), 0)).rejects.toBe(busy);
  });
});
