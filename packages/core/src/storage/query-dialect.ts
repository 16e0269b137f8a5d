/**
 * The part of a backend's SQL dialect that the filter language and run queries
 * compile to: the LIKE and JSON operators, and the time key that orders times.
 */

/** Operators of the filter language that differ between backends. */
export interface QueryDialect {
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
   * A JSON object column made ready for {@link jsonKeyNumber}: its keys
   * lower-cased and the text checked (SQLite) or parsed (PostgreSQL) once; NULL
   * when it is not valid JSON. Summaries compute it once per run, in a subquery
   * ended by {@link evaluateOnce}, then read every level from it.
   */
  jsonKeys(column: string): string;
  /**
   * The number under one plain-word key of a {@link jsonKeys} value, keys
   * compared lower-cased (`{"DIALOG": 2}` has 2 under `dialog`); NULL when the
   * column is not a valid JSON object or the member is not a number.
   */
  jsonKeyNumber(keys: string, key: string): { sql: string; params: string[] };
  /**
   * What ends a subquery so that the engine computes its columns once per row,
   * instead of copying their expressions into every place the outer query uses
   * them (SQLite does not flatten a subquery with a LIMIT into an aggregate,
   * PostgreSQL does not pull up one with an OFFSET).
   */
  evaluateOnce: string;
  /**
   * An aggregate: the distinct values of `column` within a group, as the text of
   * a JSON array, in any order. A run's mechanisms come back as one row per run
   * instead of one per (run, mechanism) (2,000 rows instead of 31,000 in the
   * shared W2, which reads several times faster). Optional: without it, one row
   * per run and mechanism.
   */
  distinctJsonArray?(column: string): string;
  /** The Monday (`YYYY-MM-DD`) of the ISO week of a `YYYY-MM-DD` text expression. */
  weekStart(day: string): string;
  /**
   * The time key of a text expression (see `schema/time.ts`): the instant in UTC
   * as `YYYY-MM-DDTHH:MM:SS[.f]`, so times compare and sort as times whatever
   * their separator, fraction or zone; NULL for text that is not a time.
   * Must agree with `timeKey()` in TypeScript (the conformance suite checks).
   */
  timeKey(expression: string): string;
}
