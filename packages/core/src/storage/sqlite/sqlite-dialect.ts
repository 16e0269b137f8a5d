/**
 * The SQLite dialect (better-sqlite3, sql.js): transactions, read-only
 * statements, integrity, the filter operators and copying, composed with
 * SQLite's DDL and introspector into the one object an adapter declares.
 *
 * @packageDocumentation
 */
import { sqliteDdl } from '../../columns/sqlite-ddl.js';
import { plainTypeName } from '../copy-dialect.js';
import type { SqlDialect } from '../sql-dialect.js';
import { sqliteIntrospector } from './sqlite-introspector.js';

/** Above this many rows the integrity check is SQLite's `quick_check` (see {@link sqliteDialect}). */
const FULL_CHECK_LIMIT = 250_000;

/** What the integrity check reports when damage stops it (SQLite's own words). */
const CORRUPT_FINDING = 'database disk image is malformed (the check stopped at a damaged page)';

/** Whether an error (or its cause, once typed) is SQLite's report of a damaged file. */
function isCorruption(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && typeof e === 'object' && e !== null; depth++) {
    if ('code' in e && String(e.code).startsWith('SQLITE_CORRUPT')) return true;
    if (e instanceof Error && /database disk image is malformed/i.test(e.message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * `answer` (an aggregate over the members of `json_each(column)`) when the
 * column holds a distribution, NULL otherwise. A distribution is an object
 * whose every member is a number, as reads decode it (one text or list member
 * and reads give no distribution at all); the nested CASE keeps json_type,
 * which fails on text that is not JSON, from seeing any. The members are
 * walked once, for the check and the answer together.
 */
const overDistribution = (column: string, answer: string): string =>
  `CASE WHEN json_valid(${column}) THEN CASE WHEN json_type(${column}) = 'object' THEN (SELECT CASE WHEN count(*) = count(CASE WHEN "type" IN ('integer', 'real') THEN 1 END) THEN ${answer} END FROM json_each(${column})) END END`;

/** The SQLite dialect (better-sqlite3, sql.js): the default for adapters that declare none. */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  ...sqliteDdl,
  ...sqliteIntrospector,
  beginWrite: 'BEGIN IMMEDIATE',
  beginRead: 'BEGIN DEFERRED',
  like: (left, negated) => `${left} ${negated ? 'NOT ' : ''}LIKE ?`,
  checkpointSql: 'PRAGMA wal_checkpoint(TRUNCATE)',
  integritySql: 'PRAGMA integrity_check',
  // 200,000 v1 runs: count(*) in 5 ms with 32 pages, 40 ms with better-sqlite3's 16 MB.
  scanOnceSql: 'PRAGMA cache_size = 32',
  dataVersionSql: 'PRAGMA data_version',
  // Keys match case-insensitively (`{"DIALOG": 2}` counts for dialog) and the
  // counts of keys that differ only in case are summed, as decoding does; a
  // level a distribution lacks counts 0.
  jsonNumber: (column, key) => ({
    sql: overDistribution(column, `coalesce(sum(CASE WHEN lower("key") = ? THEN "value" END), 0)`),
    param: key.toLowerCase(),
  }),
  // JSON cannot hold a BLOB: one is taken as its bytes read as text, as
  // JavaScript's String() of the bytes better-sqlite3 returns would.
  distinctJsonArray: (column) =>
    `json_group_array(DISTINCT CASE typeof(${column}) WHEN 'blob' THEN CAST(${column} AS TEXT) ELSE ${column} END)`,
  // Text with no upper-case letter is its own lower-case form, as runmeta
  // writes it: only other text pays for re-keying, which sums keys that differ
  // only in case (`{"DIALOG": 2, "dialog": 1}` is 3 dialog).
  jsonKeys: (column) =>
    overDistribution(
      column,
      `CASE WHEN ${column} = lower(${column}) THEN ${column} ELSE (SELECT json_group_object("k", "n") FROM (SELECT lower("key") AS "k", total("value") AS "n" FROM json_each(${column}) GROUP BY lower("key"))) END`,
    ),
  jsonKeyNumber: (keys, key) => ({
    sql: `CASE WHEN json_type(${keys}, ?) IN ('integer', 'real') THEN json_extract(${keys}, ?) END`,
    params: [`$.${key.toLowerCase()}`, `$.${key.toLowerCase()}`],
  }),
  evaluateOnce: ' LIMIT -1',
  // strftime('%w') is 0 for Sunday: step back to Monday.
  weekStart: (day) =>
    `date(${day}, '-' || ((CAST(strftime('%w', ${day}) AS INTEGER) + 6) % 7) || ' days')`,
  timeKey: sqliteTimeKey,
  /**
   * `PRAGMA integrity_check`, or for a database of more than 250,000 rows
   * `PRAGMA quick_check`: the same page, record and constraint checks without
   * re-verifying every index entry against its table — indexes SQLite itself just
   * built by one sort each. The full check of a million-run copy costs several
   * seconds and would find nothing the row counts, which are verified too, do not.
   */
  async integrityCheck(db, rows) {
    const pragma = rows > FULL_CHECK_LIMIT ? 'quick_check' : 'integrity_check';
    try {
      const result = await db.all(`PRAGMA ${pragma}`);
      return result.map((r) => String(Object.values(r)[0])).join('; ');
    } catch (error) {
      // Pages too damaged to walk stop the check itself with SQLITE_CORRUPT (after
      // the rows it found, which the driver drops): that is what it found, not a
      // failure to check — `verify` reports it as a failed check like any other.
      if (isCorruption(error)) return CORRUPT_FINDING;
      throw error;
    }
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
  async afterWrites(db) {
    // SQLite's own upkeep, as it recommends before a writer closes: ANALYZE only
    // the tables whose row count moved a lot since their statistics were taken
    // (or that have none) — usually nothing. Every table is checked (0x10000), not
    // only those this connection read through an index, since writers seldom do.
    // Without the 0x10 bit the analysis has no row limit: a limited one samples
    // the first rows of each index and so takes `status` (three values in a
    // million runs) for near-unique, and the planner walks its index again.
    // `main.` only: a v1 archive attached to this connection is only ever read
    // (byte-identical, rollback restores it), statistics included.
    await db.all('PRAGMA main.optimize(0x10002)');
  },
  async beforeBulkCopy(db) {
    await db.run('PRAGMA foreign_keys = OFF');
    // The indexes built after a bulk copy are sorts of every row: let SQLite's
    // sorter use two helper threads (about 13 % off building the report
    // indexes of a million runs here; a build without threads ignores it).
    await db.run('PRAGMA threads = 2');
  },
  // ATTACH creates files even under query_only, and PRAGMA assignments change the
  // connection: only statements that start like a read are let through at all.
  isReadStatement: (head) =>
    /^(select|with|values|explain)\b/i.test(head) || /^pragma\b[^=]*$/i.test(head),
  integerKey: 'INTEGER PRIMARY KEY',
  // SQLite accepts any declared type and keeps every value as it is: keep the name.
  copiedColumnType: (declared) => plainTypeName(declared),
};

/**
 * SQLite's time key: text checks with GLOB (the grammar of `STORED_TIME_PATTERN`),
 * the text itself for zone-less and `Z` times, and `strftime` to apply an
 * offset at minute precision (seconds and fraction are copied, so microseconds
 * survive; `strftime` itself would round them to milliseconds).
 */
function sqliteTimeKey(expression: string): string {
  // Most stored times are what runmeta writes (`toISOString()`): that spelling
  // takes a short path of plain text checks, several times cheaper than the
  // general one's nested selects (at a million runs, 1.5 s against 8.6 s for a
  // day grouping). A column is named twice inline; anything else (a parameter)
  // is bound once, through a select.
  if (/^"[^"]+"$/.test(expression)) {
    const v = `CAST(${expression} AS TEXT)`;
    return `(CASE WHEN ${canonicalTime(v)} THEN ${canonicalKey(v)} ELSE ${generalTimeKey(expression)} END)`;
  }
  return `(SELECT CASE WHEN ${canonicalTime('v')} THEN ${canonicalKey('v')} ELSE ${generalTimeKey('v')} END FROM (SELECT CAST(${expression} AS TEXT) AS v))`;
}

/** Whether text `v` is a valid time as `Date.prototype.toISOString` spells it (`2025-11-01T12:00:45.500Z`). */
function canonicalTime(v: string): string {
  const glob =
    '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]Z';
  return `${v} GLOB '${glob}' AND substr(${v}, 6, 2) BETWEEN '01' AND '12' AND substr(${v}, 9, 2) BETWEEN '01' AND '31' AND substr(${v}, 12, 2) <= '24'`;
}

/** The key of such a text: itself without the zone, the fraction's trailing zeros and a bare point dropped. */
function canonicalKey(v: string): string {
  return `substr(${v}, 1, 16) || rtrim(rtrim(substr(${v}, 17, 7), '0'), '.')`;
}

/** The key of any stored time (NULL when it is not one), `expression` read once. */
function generalTimeKey(expression: string): string {
  const dateOk =
    "substr(b, 1, 10) GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND substr(b, 6, 2) BETWEEN '01' AND '12' AND substr(b, 9, 2) BETWEEN '01' AND '31'";
  const timeOk =
    "substr(b, 11, 1) IN ('T', ' ') AND substr(b, 12, 5) GLOB '[0-2][0-9]:[0-5][0-9]' AND substr(b, 12, 2) <= '24' AND (r = '' OR r GLOB ':[0-5][0-9]' OR (r GLOB ':[0-5][0-9].[0-9]*' AND substr(r, 5) NOT GLOB '*[^0-9]*'))";
  const seconds =
    "CASE WHEN r = '' THEN ':00' WHEN length(r) = 3 THEN r ELSE rtrim(rtrim(r, '0'), '.') END";
  const minute = "substr(b, 1, 10) || 'T' || substr(b, 12, 5)";
  return `(SELECT CASE WHEN NOT (${dateOk}) THEN NULL WHEN length(b) = 10 THEN CASE WHEN z = '' THEN substr(b, 1, 10) || 'T00:00:00' END WHEN NOT (${timeOk}) THEN NULL WHEN z IN ('', 'Z') THEN ${minute} || ${seconds} ELSE strftime('%Y-%m-%dT%H:%M', ${minute} || z) || ${seconds} END FROM (SELECT z, b, substr(b, 17) AS r FROM (SELECT z, substr(v, 1, length(v) - length(z)) AS b FROM (SELECT v, CASE WHEN v GLOB '*Z' THEN 'Z' WHEN v GLOB '*[-+][0-1][0-9]:[0-5][0-9]' THEN substr(v, -6) ELSE '' END AS z FROM (SELECT CAST(${expression} AS TEXT) AS v)))))`;
}
