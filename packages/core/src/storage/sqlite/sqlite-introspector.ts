/**
 * How runmeta reads an SQLite database's catalog (`sqlite_master`,
 * `pragma_table_info`) and the kinds and order of a table's values.
 */

import type { ObservedSchema, SchemaObject } from '../../sql/observed-schema.js';
import { quoteIdent } from '../../sql/quote.js';
import type { StatementExecutor } from '../../sql/statement-executor.js';
import {
  looseIndexScan,
  plainColumnLists,
  type SchemaIntrospector,
  schemaVersions,
  type ValueKind,
} from '../schema-introspector.js';

/** SQLite's introspector (better-sqlite3, sql.js). */
export const sqliteIntrospector: SchemaIntrospector = {
  async observeSchema(db) {
    const objects = await db.all<{ type: string; name: string; tbl_name: string; sql: string }>(
      "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY rowid",
    );
    const tables: ObservedSchema['tables'] = {};
    const indexes: string[] = [];
    const code: SchemaObject[] = [];
    for (const object of objects) {
      if (object.type === 'index') {
        indexes.push(object.name);
        continue;
      }
      if (object.type === 'view' || object.type === 'trigger') {
        code.push({ kind: object.type, name: object.name, table: object.tbl_name });
        continue;
      }
      // A virtual table's columns come from its module, which may not even exist
      // here (asking for them would fail): it is code, never one of our tables.
      if (object.type !== 'table') continue;
      if (/^\s*CREATE\s+VIRTUAL\s+TABLE\b/i.test(String(object.sql ?? ''))) {
        code.push({ kind: 'virtual table', name: object.name, table: object.name });
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
    const withoutRowid = (
      await db.all<{ name: string }>(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND wr = 1",
      )
    ).map((t) => t.name);
    return {
      tables,
      indexes,
      schemaVersions: await sqliteSchemaVersions(db, tables),
      objects: code,
      withoutRowid,
    };
  },
  async valueKinds(db, table, columns) {
    if (columns.length === 0) return [];
    const select = columns
      .map(
        (c, i) =>
          `(SELECT group_concat(k) FROM (SELECT DISTINCT typeof(${quoteIdent(c.name)}) AS k FROM ${quoteIdent(table)})) AS "k${i}"`,
      )
      .join(', ');
    const [row] = await db.all(`SELECT ${select}`);
    return columns.map((_, i) =>
      String(row?.[`k${i}`] ?? '')
        .split(',')
        .filter((k): k is ValueKind => k !== '' && k !== 'null'),
    );
  },
  async rowOrder(db, table) {
    // A column of the table's own named _rowid_, rowid or oid (in any case) hides
    // the row number under that name: take the first name no column hides.
    const columns = await db.all<{ name: string }>('SELECT name FROM pragma_table_xinfo(?)', [
      table,
    ]);
    const taken = new Set(columns.map((c) => c.name.toLowerCase()));
    const alias = ['_rowid_', 'rowid', 'oid'].find((name) => !taken.has(name));
    if (!alias) return null;
    // WITHOUT ROWID tables have no row number: the probe fails and they are read unordered.
    try {
      await db.all(`SELECT ${alias} FROM ${quoteIdent(table)} LIMIT 0`);
      return alias;
    } catch {
      return null;
    }
  },
  async indexedInOrder(db, table, column) {
    const [info] = await db.all<{ type: string }>(
      'SELECT type FROM pragma_table_info(?) WHERE name = ?',
      [table, column],
    );
    return info !== undefined && indexedInTextOrder(db, table, column, info.type);
  },

  async plainIndexes(db, table) {
    // An expression's entry has no column name; a partial index covers some rows
    // only; a column indexed under another collation than BINARY (a column
    // declared NOCASE) groups and compares values that reads tell apart: each
    // such place counts as an expression.
    const rows = await db.all<{ i: string; c: string | null }>(
      `SELECT l."name" AS "i", CASE WHEN x."coll" = 'BINARY' THEN x."name" END AS "c"
         FROM pragma_index_list(?) AS l, pragma_index_xinfo(l."name") AS x
        WHERE l."partial" = 0 AND x."key" = 1 ORDER BY l."name", x."seqno"`,
      [table],
    );
    return plainColumnLists(rows);
  },

  async textReadExactly(db, table, column, text) {
    const rows = await db.all(
      `SELECT 1 AS x FROM ${quoteIdent(table)} WHERE CAST(${quoteIdent(column)} AS BLOB) = ? LIMIT 1`,
      [new TextEncoder().encode(text)],
    );
    return rows.length > 0;
  },
};

/**
 * The distinct `runs.schema_version` values, as {@link schemaVersions} reads them,
 * without reading every run when the SDK's index is there. Every open looks at
 * them, and `SELECT DISTINCT` walks all million index entries (0.1–0.25 s at 1M
 * runs); a loose index scan asks the index for the next larger value once per
 * distinct value instead (a few lookups). Anything the index does not order as
 * text is read the plain way.
 */
async function sqliteSchemaVersions(
  db: StatementExecutor,
  tables: ObservedSchema['tables'],
): Promise<string[]> {
  const column = tables.runs?.find((c) => c.name === 'schema_version');
  if (!column || !(await indexedInTextOrder(db, 'runs', column.name, column.type)))
    return schemaVersions(db, tables);
  const rows = await db.all<{ v: string }>(
    `SELECT DISTINCT CAST("x" AS TEXT) AS v FROM (${looseIndexScan('runs', 'schema_version')}) AS "s"`,
  );
  return rows.map((r) => r.v).sort();
}

/**
 * Whether `table.column` (declared `declared`) is indexed in its text order: a
 * text-affinity column (no numbers stored, so `2` and `2.0` cannot be equal yet
 * print apart) with a plain `BINARY` index leading with it (a `NOCASE` index
 * would step over `Completed` after `completed`).
 */
async function indexedInTextOrder(
  db: StatementExecutor,
  table: string,
  column: string,
  declared: string,
): Promise<boolean> {
  if (!hasTextAffinity(declared)) return false;
  const indexed = await db.all(
    `SELECT 1 AS x FROM pragma_index_list(?) AS l, pragma_index_xinfo(l.name) AS c
     WHERE l.partial = 0 AND c.seqno = 0 AND c.name = ? AND c.coll = 'BINARY' LIMIT 1`,
    [table, column],
  );
  return indexed.length > 0;
}

/** SQLite's affinity rule for a declared type: TEXT when it names CHAR, CLOB or TEXT and not INT. */
function hasTextAffinity(declared: string): boolean {
  const type = declared.toUpperCase();
  return !type.includes('INT') && /CHAR|CLOB|TEXT/.test(type);
}
