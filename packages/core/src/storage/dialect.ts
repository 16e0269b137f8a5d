/**
 * What differs in SQL between backends, in one small object. Core writes its
 * statements once, in the SQL SQLite and PostgreSQL share (quoted identifiers,
 * `?` placeholders, `INSERT … ON CONFLICT … RETURNING`, `CAST`, `count(*)`), and
 * asks the adapter's dialect only for the parts that differ: column types, the
 * auto-increment key, how a transaction begins, how the schema is observed, the
 * integrity check, read-only statements and the JSON and LIKE operators of the
 * filter language.
 *
 * `@runmeta/node-sqlite` and `@runmeta/browser-wasm` use {@link sqliteDialect}
 * (the default when an adapter declares none); `@runmeta/postgres` ships its own.
 *
 * @packageDocumentation
 */
import { quoteIdent } from '../columns/quote.js';
import type { SqlType } from '../columns/registry.js';
import type { ObservedColumn, ObservedSchema, SchemaObject } from '../migrate/observe.js';
import type { SqlValue } from './adapter.js';
import type { Executor } from './database.js';

/** The storage class of a value as found in a table (SQLite's `typeof()`). */
export type ValueKind = 'integer' | 'real' | 'text' | 'blob';

/** SQL that differs between backends. */
export interface SqlDialect {
  /** Short name, e.g. `sqlite`, `postgres`. */
  readonly name: string;
  /** The declared type of a registry column. */
  columnType(type: SqlType): string;
  /** The full column clause of an auto-increment integer key (after the column name). */
  readonly autoincrementKey: string;
  /**
   * Whether `CREATE TABLE` declares foreign keys. SQLite declares them but does not
   * enforce them by default, and legacy files hold orphan child rows that a
   * migration must carry over; a server that always enforces them leaves them out
   * (the manager checks that a run exists before writing its children).
   */
  readonly foreignKeys: boolean;
  /**
   * A column clause appended to every table runmeta creates, holding insertion
   * order under the name `_rowid_` (SQLite has it implicitly: null).
   */
  readonly rowOrderColumn: string | null;
  /** Statement that begins a write transaction (`BEGIN IMMEDIATE` takes SQLite's write lock up front). */
  readonly beginWrite: string;
  /** Statement that begins a read transaction. */
  readonly beginRead: string;
  /**
   * `left LIKE ?`, compared as text and case-insensitively for ASCII, as SQLite
   * does (PostgreSQL: `CAST(left AS TEXT) ILIKE ?`).
   */
  like(left: string, negated: boolean): string;
  /**
   * A numeric value read from a JSON object column, null when the column does not
   * hold valid JSON. Returns the SQL expression and the one parameter it binds.
   */
  jsonNumber(column: string, key: string): { sql: string; param: string };
  /**
   * The time key of a text expression (see `schema/time.ts`): the instant in UTC
   * as `YYYY-MM-DDTHH:MM:SS[.f]`, so times compare and sort as times whatever
   * their separator, fraction or zone; NULL for text that is not a time.
   * Must agree with `timeKey()` in TypeScript (the conformance suite checks).
   */
  timeKey(expression: string): string;
  /** Tables, columns, indexes and schema versions of an open database. */
  observeSchema(db: Executor): Promise<ObservedSchema>;
  /**
   * Statement that folds a write-ahead log into the main file before a database is
   * renamed (SQLite in WAL mode; it reports `busy` when a reader blocks it), or null
   * when a rename never loses committed rows.
   */
  readonly checkpointSql: string | null;
  /** How {@link SqlDialect.integrityCheck} is shown in a plan (a dry run prints it). */
  readonly integritySql: string;
  /**
   * Check a database's storage (SQLite: `PRAGMA integrity_check`, or `quick_check`
   * above `rows` rows); resolves to `ok` or what is wrong.
   */
  integrityCheck(db: Executor, rows: number): Promise<string>;
  /**
   * Run `fn` so that no statement inside it can write (SQLite: `PRAGMA query_only`
   * in a rolled-back transaction; PostgreSQL: `BEGIN READ ONLY`).
   */
  readOnly<T>(db: Executor, fn: () => Promise<T>): Promise<T>;
  /**
   * Prepare a connection for a bulk copy of legacy rows (SQLite: foreign keys off,
   * since legacy files hold orphans). Optional.
   */
  beforeBulkCopy?(db: Executor): Promise<void>;
  /** Whether `query()` accepts the statement as a read (after comments are stripped). */
  isReadStatement(head: string): boolean;

  // --- Copying whole databases between backends (import and export) ---

  /**
   * The column clause (after the name) of a single integer primary key whose
   * values are copied as they are and continue from the highest one.
   */
  readonly integerKey: string;
  /**
   * The type a copied column is declared with here, given its declared type in the
   * source and the kinds of value it actually holds (SQLite columns may hold any
   * kind, so the values decide, and a column is widened rather than lose a value).
   */
  copiedColumnType(declared: string, kinds: readonly ValueKind[]): string;
  /** The kinds of non-null value each of `columns` (as observed) holds in `table`. */
  valueKinds(
    db: Executor,
    table: string,
    columns: readonly ObservedColumn[],
  ): Promise<ValueKind[][]>;
  /**
   * The expression giving a table's insertion order (`_rowid_`), or null when the
   * table has none.
   */
  rowOrder(db: Executor, table: string): Promise<string | null>;
  /**
   * Why a copied table or column cannot keep its name here (too long, reserved),
   * or null when it can. A server that would silently change a name (PostgreSQL
   * cuts names at 63 bytes) must refuse it instead. Optional: SQLite keeps any name.
   */
  nameProblem?(name: string, kind: 'table' | 'column'): string | null;
  /**
   * Why a copied value cannot be stored as it is in a column declared `type` here
   * (PostgreSQL text cannot hold U+0000), or null when it can. Optional.
   */
  valueProblem?(value: SqlValue, type: string): string | null;
  /**
   * Whether `text`, read from `table.column` with U+FFFD in it, is exactly what is
   * stored there — false when the stored bytes were not UTF-8 and reading replaced
   * them. Optional: a server that stores only valid text needs no check.
   */
  textReadExactly?(db: Executor, table: string, column: string, text: string): Promise<boolean>;
  /** After rows were copied with explicit keys: make generated keys continue after them. */
  afterCopy?(db: Executor, table: string): Promise<void>;
  /**
   * Whether a v2 column of registry type `type` could refuse a value of a source
   * column declared `sourceType` (a server checks every value against its
   * column's type; SQLite keeps any value anywhere, so it never refuses). When it
   * could, carry-over declares the v2 column with the source's type instead, so
   * no row is refused; reads stay lenient either way.
   */
  mayRefuse?(type: SqlType, sourceType: string): boolean;
}

/** Above this many rows the integrity check is SQLite's `quick_check` (see {@link sqliteDialect}). */
const FULL_CHECK_LIMIT = 250_000;

const SQLITE_TYPES: Record<SqlType, string> = {
  TEXT: 'TEXT',
  INTEGER: 'INTEGER',
  REAL: 'REAL',
  TIMESTAMP: 'TIMESTAMP',
  BOOLEAN: 'BOOLEAN',
};

/** The SQLite dialect (better-sqlite3, sql.js): the default for adapters that declare none. */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  columnType: (type) => SQLITE_TYPES[type],
  autoincrementKey: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  foreignKeys: true,
  rowOrderColumn: null,
  beginWrite: 'BEGIN IMMEDIATE',
  beginRead: 'BEGIN DEFERRED',
  like: (left, negated) => `${left} ${negated ? 'NOT ' : ''}LIKE ?`,
  checkpointSql: 'PRAGMA wal_checkpoint(TRUNCATE)',
  integritySql: 'PRAGMA integrity_check',
  // Keys match case-insensitively (`{"DIALOG": 2}` counts for dialog), and the
  // counts of keys that differ only in case are summed, as decoding does.
  jsonNumber: (column, key) => ({
    sql: `(SELECT sum(CASE WHEN "type" IN ('integer', 'real') THEN "value" END) FROM json_each(CASE WHEN json_valid(${column}) AND json_type(${column}) = 'object' THEN ${column} END) WHERE lower("key") = ?)`,
    param: key.toLowerCase(),
  }),
  timeKey: sqliteTimeKey,
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
      schemaVersions: await schemaVersions(db, tables),
      objects: code,
      withoutRowid,
    };
  },
  /**
   * `PRAGMA integrity_check`, or for a database of more than 250,000 rows
   * `PRAGMA quick_check`: the same page, record and constraint checks without
   * re-verifying every index entry against its table — indexes SQLite itself just
   * built by one sort each. The full check of a million-run copy costs several
   * seconds and would find nothing the row counts, which are verified too, do not.
   */
  async integrityCheck(db, rows) {
    const pragma = rows > FULL_CHECK_LIMIT ? 'quick_check' : 'integrity_check';
    const result = await db.all(`PRAGMA ${pragma}`);
    return result.map((r) => String(Object.values(r)[0])).join('; ');
  },
  async readOnly(db, fn) {
    const [previous] = await db.all('PRAGMA query_only');
    await db.run('PRAGMA query_only = ON');
    // Inside a transaction that is always rolled back, statements that could
    // change the connection itself (BEGIN, ATTACH, DETACH) fail too.
    await db.run('BEGIN DEFERRED');
    try {
      return await fn();
    } finally {
      try {
        await db.run('ROLLBACK');
      } catch {
        // The statement itself ended the transaction (COMMIT/ROLLBACK): nothing was written.
      }
      await db.run(`PRAGMA query_only = ${Object.values(previous ?? {})[0] ? 'ON' : 'OFF'}`);
    }
  },
  async beforeBulkCopy(db) {
    await db.run('PRAGMA foreign_keys = OFF');
  },
  // ATTACH creates files even under query_only, and PRAGMA assignments change the
  // connection: only statements that start like a read are let through at all.
  isReadStatement: (head) =>
    /^(select|with|values|explain)\b/i.test(head) || /^pragma\b[^=]*$/i.test(head),
  integerKey: 'INTEGER PRIMARY KEY',
  // SQLite accepts any declared type and keeps every value as it is: keep the name.
  copiedColumnType: (declared) => plainTypeName(declared),
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
  async textReadExactly(db, table, column, text) {
    const rows = await db.all(
      `SELECT 1 AS x FROM ${quoteIdent(table)} WHERE CAST(${quoteIdent(column)} AS BLOB) = ? LIMIT 1`,
      [new TextEncoder().encode(text)],
    );
    return rows.length > 0;
  },
};

/**
 * SQLite's time key: text checks with GLOB (the grammar of `STORED_TIME_PATTERN`),
 * the text itself for zone-less and `Z` times, and `strftime` to apply an
 * offset at minute precision (seconds and fraction are copied, so microseconds
 * survive; `strftime` itself would round them to milliseconds).
 */
function sqliteTimeKey(expression: string): string {
  const dateOk =
    "substr(b, 1, 10) GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND substr(b, 6, 2) BETWEEN '01' AND '12' AND substr(b, 9, 2) BETWEEN '01' AND '31'";
  const timeOk =
    "substr(b, 11, 1) IN ('T', ' ') AND substr(b, 12, 5) GLOB '[0-2][0-9]:[0-5][0-9]' AND substr(b, 12, 2) <= '24' AND (r = '' OR r GLOB ':[0-5][0-9]' OR (r GLOB ':[0-5][0-9].[0-9]*' AND substr(r, 5) NOT GLOB '*[^0-9]*'))";
  const seconds =
    "CASE WHEN r = '' THEN ':00' WHEN length(r) = 3 THEN r ELSE rtrim(rtrim(r, '0'), '.') END";
  const minute = "substr(b, 1, 10) || 'T' || substr(b, 12, 5)";
  return `(SELECT CASE WHEN NOT (${dateOk}) THEN NULL WHEN length(b) = 10 THEN CASE WHEN z = '' THEN substr(b, 1, 10) || 'T00:00:00' END WHEN NOT (${timeOk}) THEN NULL WHEN z IN ('', 'Z') THEN ${minute} || ${seconds} ELSE strftime('%Y-%m-%dT%H:%M', ${minute} || z) || ${seconds} END FROM (SELECT z, b, substr(b, 17) AS r FROM (SELECT z, substr(v, 1, length(v) - length(z)) AS b FROM (SELECT v, CASE WHEN v GLOB '*Z' THEN 'Z' WHEN v GLOB '*[-+][0-1][0-9]:[0-5][0-9]' THEN substr(v, -6) ELSE '' END AS z FROM (SELECT CAST(${expression} AS TEXT) AS v)))))`;
}

/** Keep a declared type only when it is a plain type name (`VARCHAR(11)`); otherwise none. */
export function plainTypeName(type: string): string {
  return /^[A-Za-z][A-Za-z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?$/.test(type.trim())
    ? type.trim()
    : '';
}

/**
 * Distinct non-null `runs.schema_version` values, for any dialect: the column is
 * read as text, so `2` and `'2.0'` both count.
 */
export async function schemaVersions(
  db: Executor,
  tables: ObservedSchema['tables'],
): Promise<string[]> {
  if (!tables.runs?.some((c) => c.name === 'schema_version')) return [];
  const rows = await db.all<{ v: string }>(
    'SELECT DISTINCT CAST(schema_version AS TEXT) AS v FROM "runs" WHERE schema_version IS NOT NULL',
  );
  return rows.map((r) => r.v).sort();
}
