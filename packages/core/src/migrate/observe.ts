/**
 * Reading a database's actual schema. This is the only impure part of planning:
 * it turns a live database into a plain {@link ObservedSchema} that the pure
 * detector and planner work on (and that tests can write by hand).
 */
import type { Executor } from '../storage/database.js';

/** One column as the database reports it. */
export interface ObservedColumn {
  name: string;
  /** Declared type, as written (may be empty or anything in a foreign file). */
  type: string;
  notNull: boolean;
  defaultSql: string | null;
  primaryKey: boolean;
}

/** A database's schema as found. */
export interface ObservedSchema {
  /** Table name → its columns, in table order. */
  tables: Record<string, ObservedColumn[]>;
  /** Index names. */
  indexes: string[];
  /** Distinct non-null `runs.schema_version` values (empty when the column is absent). */
  schemaVersions: string[];
}

/**
 * Observe tables, columns, indexes and schema versions, through the executor's
 * dialect (SQLite's catalog, or a server's `information_schema`).
 */
export function observeSchema(db: Executor): Promise<ObservedSchema> {
  return db.dialect.observeSchema(db);
}
