/**
 * How runmeta reads a PostgreSQL schema's catalog (`pg_class`, `pg_attribute`,
 * `pg_indexes`), and the kinds and order of a table's values.
 */
import {
  type ObservedSchema,
  plainColumnLists,
  quoteIdent,
  type SchemaIntrospector,
  type StatementExecutor,
  schemaVersions,
  type ValueKind,
} from '@runmeta/core/adapter';
import { ROW_ORDER_COLUMN } from './postgres-ddl.js';

/**
 * SQL true for the hidden order column of `a` (a pg_attribute row): named
 * `_rowid_`, generated, and not a key. A copied `_rowid_` of a SQLite table's
 * own (its values, or its integer key) is a column like any other.
 */
const HIDDEN_ORDER_COLUMN = `(a.attname = '${ROW_ORDER_COLUMN}' AND a.attidentity <> ''
  AND NOT EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = a.attrelid AND x.indisprimary
                  AND a.attnum = ANY (x.indkey)))`;

/** Kinds of value a PostgreSQL column type holds. */
function kindsOfType(type: string): ValueKind[] {
  if (/^(bigint|integer|smallint|boolean)/.test(type)) return ['integer'];
  if (/^(double precision|real|numeric)/.test(type)) return ['real'];
  if (type === 'bytea') return ['blob'];
  return ['text'];
}

/** PostgreSQL's introspector: the tables of the connection's current schema. */
export const postgresIntrospector: SchemaIntrospector = {
  async observeSchema(db: StatementExecutor): Promise<ObservedSchema> {
    // The schema is looked up by its name as stored: a `::regnamespace` cast would
    // parse current_schema() as SQL again, folding `Mixd` to mixd and splitting `a.b`.
    const rows = await db.all<{
      table_name: string;
      name: string | null;
      type: string | null;
      not_null: number | null;
      default_sql: string | null;
      primary_key: number | null;
    }>(
      `SELECT c.relname AS table_name, a.attname AS name,
              format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
              pg_get_expr(d.adbin, d.adrelid) AS default_sql,
              EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary
                      AND a.attnum = ANY (i.indkey)) AS primary_key
         FROM pg_class c
         LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
              AND NOT a.attisdropped AND NOT ${HIDDEN_ORDER_COLUMN}
         LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
        WHERE c.relnamespace = (SELECT n.oid FROM pg_namespace n WHERE n.nspname = current_schema())
          AND c.relkind IN ('r', 'p')
        ORDER BY c.oid, a.attnum`,
    );
    const tables: ObservedSchema['tables'] = {};
    for (const row of rows) {
      const columns = tables[row.table_name] ?? [];
      tables[row.table_name] = columns;
      if (row.name === null) continue;
      columns.push({
        name: row.name,
        type: row.type ?? '',
        notNull: !!row.not_null,
        defaultSql: row.default_sql,
        primaryKey: !!row.primary_key,
      });
    }
    const indexes = await db.all<{ name: string }>(
      'SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname',
    );
    return {
      tables,
      indexes: indexes.map((i) => i.name),
      schemaVersions: await schemaVersions(db, tables),
    };
  },

  // A server column holds one kind of value: its declared type says which.
  async valueKinds(_db, _table, columns) {
    return columns.map((c) => kindsOfType(c.type));
  },

  // A valid b-tree index over every row, leading with the column in the
  // column's own collation and the type's default operator class: then
  // `min(column) WHERE column > ?` is one index probe. The collation must be
  // deterministic (the default): under one that calls `Failed` and `failed`
  // equal, `>` would step over one of them, and `IN` would match both.
  async indexedInOrder(db, table, column) {
    const rows = await db.all(
      `SELECT 1 AS x FROM pg_index AS i
         JOIN pg_class AS c ON c.oid = i.indexrelid
         JOIN pg_am AS am ON am.oid = c.relam
         JOIN pg_opclass AS oc ON oc.oid = i.indclass[0]
         JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
         LEFT JOIN pg_collation AS coll ON coll.oid = a.attcollation
       WHERE i.indrelid = CAST(? AS regclass) AND a.attname = ? AND am.amname = 'btree'
         AND i.indpred IS NULL AND i.indisvalid AND oc.opcdefault
         AND i.indcollation[0] = a.attcollation AND coalesce(coll.collisdeterministic, true)
       LIMIT 1`,
      [quoteIdent(table), column],
    );
    return rows.length > 0;
  },

  async plainIndexes(db, table) {
    // indkey holds 0 for an expression's place, which joins no column.
    const rows = await db.all<{ i: string; c: string | null }>(
      `SELECT c.relname AS i, a.attname AS c FROM pg_index AS i
         JOIN pg_class AS c ON c.oid = i.indexrelid
         JOIN pg_am AS am ON am.oid = c.relam
         CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
         LEFT JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum > 0
       WHERE i.indrelid = CAST(? AS regclass) AND am.amname = 'btree' AND i.indpred IS NULL
         AND i.indisvalid AND k.n <= i.indnkeyatts
       ORDER BY c.relname, k.n`,
      [quoteIdent(table)],
    );
    return plainColumnLists(rows);
  },

  async rowOrder(db, table) {
    // The hidden column, or a copied integer key of that name: generated values,
    // so insertion order. A copied _rowid_ of other values orders nothing.
    const rows = await db.all(
      "SELECT 1 AS x FROM pg_attribute WHERE attrelid = CAST(? AS regclass) AND attname = ? AND attidentity <> '' AND NOT attisdropped",
      [quoteIdent(table), ROW_ORDER_COLUMN],
    );
    return rows.length ? quoteIdent(ROW_ORDER_COLUMN) : null;
  },
};
