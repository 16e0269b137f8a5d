/** Plain better-sqlite3 reads of a database file, independent of runmeta: what the tests check answers against. */
import BetterSqlite3 from 'better-sqlite3';

/** The rows of `sql` read from `file` through a fresh read-only connection. */
export function plainRows<T>(file: string, sql: string, params: unknown[] = []): T[] {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}
