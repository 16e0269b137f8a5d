/**
 * What a copy between backends refuses rather than change: a name the target
 * would cut short or cannot use, a value it cannot store, and text that reading
 * altered (bytes that are not UTF-8). Each refusal names the table, the column
 * and, for a value, the run or row, and says how to fix the source. Names are
 * checked before anything is written; values inside the target's transaction,
 * which the refusal rolls back.
 *
 * @packageDocumentation
 */
import { ValidationError } from '../errors.js';
import { quoteIdent } from '../sql/quote.js';
import type { Row } from '../sql/values.js';
import type { CopyDialect } from './copy-dialect.js';
import type { Executor } from './database.js';

/** How the source itself is fixed: runmeta never changes it. */
const AGAIN = 'then import again; nothing was imported, and the source file is unchanged';

/** Refuse a table or column name the target cannot keep as it is. */
export function checkNames(target: CopyDialect, table: string, columns: readonly string[]): void {
  const problem = target.nameProblem?.(table, 'table');
  if (problem) {
    throw new ValidationError(table, `the table name ${problem}`, {
      hint: `Rename the table in a copy of the SQLite file (ALTER TABLE ${quoteIdent(table)} RENAME TO …), ${AGAIN}`,
    });
  }
  for (const column of columns) {
    const refused = target.nameProblem?.(column, 'column');
    if (!refused) continue;
    throw new ValidationError(`${table}.${column}`, `the column name ${refused}`, {
      hint: `Rename the column in a copy of the SQLite file (ALTER TABLE ${quoteIdent(table)} RENAME COLUMN ${quoteIdent(column)} TO …), ${AGAIN}`,
    });
  }
}

/** U+FFFD: what reading puts in place of bytes that are not UTF-8. */
const REPLACEMENT = '\uFFFD';

/**
 * A check of each copied row of one table: throws a `ValidationError` naming
 * the column and the row (`run "…"` when the table has a run_id, else
 * `position`, e.g. `the row with rowid 7`) for the first value the target cannot
 * store, or text the source did not hold as read.
 */
export function rowChecker(
  source: Executor,
  target: CopyDialect,
  table: string,
  columns: readonly { name: string; type: string }[],
): (row: Row, position: string) => Promise<void> {
  const valueProblem = target.valueProblem?.bind(target);
  const textReadExactly = source.dialect.textReadExactly?.bind(source.dialect);
  const which = (row: Row, position: string) =>
    typeof row.run_id === 'string' ? `run "${row.run_id}"` : position;
  return async (row, position) => {
    for (const column of columns) {
      const value = row[column.name] ?? null;
      const problem = valueProblem?.(value, column.type);
      if (problem) {
        throw new ValidationError(`${table}.${column.name}`, `${which(row, position)} ${problem}`, {
          hint: `Change that value in a copy of the SQLite file (the PostgreSQL guide shows how, under "Moving a SQLite database to the server"), ${AGAIN}`,
        });
      }
      if (
        textReadExactly &&
        typeof value === 'string' &&
        value.includes(REPLACEMENT) &&
        !(await textReadExactly(source, table, column.name, value))
      ) {
        throw new ValidationError(
          `${table}.${column.name}`,
          `${which(row, position)} holds text whose bytes are not UTF-8, which would arrive changed (as U+FFFD)`,
          {
            hint: `Rewrite that text as UTF-8 in a copy of the SQLite file, ${AGAIN}`,
          },
        );
      }
    }
  };
}
