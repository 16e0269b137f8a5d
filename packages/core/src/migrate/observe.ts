/**
 * Reading a database's actual schema. This is the only impure part of planning:
 * it turns a live database into a plain {@link ObservedSchema} that the pure
 * detector and planner work on (and that tests can write by hand).
 */
import type { Executor } from '../storage/database.js';

/** One column as SQLite reports it. */
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

/** Observe tables, columns, indexes and schema versions. Identifiers travel as parameters. */
export async function observeSchema(db: Executor): Promise<ObservedSchema> {
  const objects = await db.all<{ type: string; name: string }>(
    "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
  );
  const tables: Record<string, ObservedColumn[]> = {};
  const indexes: string[] = [];
  for (const object of objects) {
    if (object.type === 'index') {
      indexes.push(object.name);
      continue;
    }
    const columns = await db.all<{
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
      pk: number;
    }>('SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid', [
      object.name,
    ]);
    tables[object.name] = columns.map((c) => ({
      name: c.name,
      type: c.type ?? '',
      notNull: Number(c.notnull) === 1,
      defaultSql: c.dflt_value,
      primaryKey: Number(c.pk) > 0,
    }));
  }
  let schemaVersions: string[] = [];
  if (tables.runs?.some((c) => c.name === 'schema_version')) {
    const rows = await db.all<{ v: string }>(
      'SELECT DISTINCT CAST(schema_version AS TEXT) AS v FROM "runs" WHERE schema_version IS NOT NULL',
    );
    schemaVersions = rows.map((r) => r.v).sort();
  }
  return { tables, indexes, schemaVersions };
}
