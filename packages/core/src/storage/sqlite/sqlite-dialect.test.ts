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
