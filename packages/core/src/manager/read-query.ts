/**
 * `query()`, the escape hatch for ad-hoc reports: one read-only statement with
 * parameters. Two guards, because either alone is not enough: the statement
 * must start like a read (ATTACH creates files even under `query_only`, and a
 * PRAGMA assignment changes the connection), and the database itself refuses
 * writes while it runs (SQLite's `PRAGMA query_only`, a read-only transaction
 * on a server).
 *
 * @packageDocumentation
 */
import { ReadOnlyError } from '../errors.js';
import { sqlArguments } from '../schema/arguments.js';
import type { Row, SqlParams } from '../sql/values.js';
import type { Database } from '../storage/database.js';
import { queryInputError, queryReadsOnly } from './query-errors.js';

/** Run the read-only statement `sql` on `db` (`location` names it in errors). */
export async function readOnlyQuery(
  db: Database,
  location: () => string,
  sql: string,
  params: SqlParams,
): Promise<Row[]> {
  ({ sql, params } = sqlArguments(sql, params));
  const head = sql.replace(/^(\s|--[^\n]*\n?|\/\*[\s\S]*?\*\/)+/, '');
  if (!db.dialect.isReadStatement(head)) {
    throw queryReadsOnly(
      location(),
      `query() runs reads only (SELECT, WITH, VALUES, EXPLAIN or a PRAGMA read), not "${head.slice(0, 40)}"`,
    );
  }
  return db.exclusive((exclusive) =>
    exclusive.dialect.readOnly(exclusive, async () => {
      try {
        return await exclusive.all(sql, params);
      } catch (error) {
        if (error instanceof ReadOnlyError) {
          throw queryReadsOnly(location(), 'query() runs reads only', error);
        }
        throw queryInputError(error) ?? error;
      }
    }),
  );
}
