/**
 * SQLite's DDL (better-sqlite3, sql.js): the declared types are the registry's
 * own names, and the rowid gives insertion order for free.
 */
import type { SqlType } from '../sql/sql-type.js';
import type { DdlDialect } from './ddl-dialect.js';

const SQLITE_TYPES: Record<SqlType, string> = {
  TEXT: 'TEXT',
  INTEGER: 'INTEGER',
  REAL: 'REAL',
  TIMESTAMP: 'TIMESTAMP',
  BOOLEAN: 'BOOLEAN',
};

/** How SQLite declares runmeta's tables: the default when a caller names no dialect. */
export const sqliteDdl: DdlDialect = {
  columnType: (type) => SQLITE_TYPES[type],
  autoincrementKey: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  foreignKeys: true,
  rowOrderColumn: null,
};
