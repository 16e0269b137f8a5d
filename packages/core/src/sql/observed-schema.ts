/**
 * A database's schema as found: the plain data an introspector produces from a
 * live database, and that the pure detector and planner (and errors naming what
 * a file holds) work on. Tests can write one by hand.
 */

/** One column as the database reports it. */
export interface ObservedColumn {
  name: string;
  /** Declared type, as written (may be empty or anything in a foreign file). */
  type: string;
  notNull: boolean;
  defaultSql: string | null;
  primaryKey: boolean;
}

/**
 * An object of the database that is code rather than data: a view (its SELECT
 * runs when it is read), a trigger (its statements run when its table is
 * written), or a virtual table (a module's code answers for it).
 */
export interface SchemaObject {
  kind: 'view' | 'trigger' | 'virtual table';
  name: string;
  /** The table a trigger fires on; a view's or virtual table's own name. */
  table: string;
}

/** A database's schema as found. */
export interface ObservedSchema {
  /** Plain table name → its columns, in table order (views and virtual tables are not tables). */
  tables: Record<string, ObservedColumn[]>;
  /** Index names. */
  indexes: string[];
  /** Distinct non-null `runs.schema_version` values (empty when the column is absent). */
  schemaVersions: string[];
  /** Views, triggers and virtual tables; absent when the backend does not report them. */
  objects?: SchemaObject[];
  /**
   * Tables without a rowid (SQLite's `WITHOUT ROWID`): they have no insertion
   * order, and are read in primary-key order instead. Absent: none.
   */
  withoutRowid?: string[];
}
