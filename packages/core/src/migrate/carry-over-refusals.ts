/**
 * Legacy rows a carry-over cannot copy, explained: which rows, and how to go on —
 * never a bare "must be unique … fix the value" about a file the user cannot fix.
 *
 * - Legacy `runs` tables without a key can hold two rows with one `run_id`. v2
 *   keeps one row per run id, and which of two rows a child row belongs to cannot
 *   be told, so such runs are not carried over: the copy stops, rolled back, and
 *   the error names every duplicated id with its number of rows.
 * - An archive carried over later goes into an existing v2 table, whose NOT NULL
 *   columns cannot take archived rows without a value there (a migration's own
 *   carry-over declares such columns nullable instead): the error counts them.
 *
 * @packageDocumentation
 */

import { MigrationError, ValidationError } from '../errors.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import type { Executor } from '../storage/database.js';

/** A run id held by more than one row. */
export interface DuplicateRun {
  runId: string;
  rows: number;
}

/** At most this many duplicated ids are named (their total is always said). */
const NAMED = 10;

/** Run ids of `table` (SQL, e.g. `"runs"` or an attached `"src"."runs"`) held by more than one row. */
export async function duplicateRunIds(db: Executor, table: string): Promise<DuplicateRun[]> {
  const rows = await db.all(
    `SELECT CAST("run_id" AS TEXT) AS id, count(*) AS n FROM ${table} WHERE "run_id" IS NOT NULL GROUP BY "run_id" HAVING count(*) > 1 ORDER BY 1`,
  );
  return rows.map((row) => ({ runId: String(row.id), rows: Number(row.n) }));
}

/**
 * Run the copy of one table; when it is `runs` and the engine refuses a second
 * row for a run id, throw an error naming the duplicates (found by `find`) instead.
 */
export async function explainDuplicateRuns<T>(
  copy: () => Promise<T>,
  table: { table: string },
  find: () => Promise<DuplicateRun[]>,
  context: { source: string; archive?: boolean } = { source: 'the v1 database' },
): Promise<T> {
  try {
    return await copy();
  } catch (error) {
    if (table.table !== 'runs' || !isRunIdClash(error)) throw error;
    const duplicates = await find().catch(() => []);
    if (duplicates.length === 0) throw error;
    throw duplicateRunsError(duplicates, context.source, !!context.archive, error);
  }
}

function isRunIdClash(error: unknown): boolean {
  return error instanceof ValidationError && /^"?runs"?\."?run_id"?$/.test(error.field);
}

/** The error naming duplicated run ids of `source`, and what to do. */
export function duplicateRunsError(
  duplicates: readonly DuplicateRun[],
  source: string,
  archive: boolean,
  cause?: unknown,
): MigrationError {
  const named = duplicates
    .slice(0, NAMED)
    .map((d) => `${JSON.stringify(d.runId)} (${d.rows} rows)`)
    .join(', ');
  const more = duplicates.length > NAMED ? ` and ${duplicates.length - NAMED} more` : '';
  const ids = duplicates
    .slice(0, NAMED)
    .map((d) => quoteLiteral(d.runId))
    .join(', ');
  const find = `SELECT rowid, * FROM runs WHERE run_id IN (${ids})`;
  const what = `${duplicates.length} run id(s) of ${source} are held by more than one row: ${named}${more}. v2 keeps one row per run id, and the child rows of such runs cannot be told apart, so they are not carried over; nothing was changed`;
  if (archive) {
    return new MigrationError(what, {
      cause,
      hint: `These runs stay readable in the archive with includeArchive: true. To carry the archive over, make those ids distinct in a copy of it that you then use as the archive (find the rows with: ${find})`,
      cliHint: `These runs stay readable in the archive with --include-archive. To carry the archive over, make those ids distinct in a copy of it that you then use as the archive (find the rows with: ${find})`,
    });
  }
  return new MigrationError(what, {
    cause,
    hint: `Migrate with the archive strategy instead (the default): the v1 file is kept as it is and its runs stay readable with includeArchive: true. Or make those ids distinct in the v1 file first (find the rows with: ${find}), then retry`,
    cliHint: `Migrate with the archive strategy instead (\`runmeta migrate --yes\`): the v1 file is kept as it is and its runs stay readable with --include-archive. Or make those ids distinct in the v1 file first (find the rows with: ${find}), then retry`,
  });
}

/**
 * Run the copy of one archived table into an existing v2 table; when the engine
 * refuses a row without a value in a NOT NULL column, throw an error counting
 * the archived rows that lack it instead.
 */
export async function explainMissingValues<T>(
  copy: () => Promise<T>,
  table: string,
  archive: Executor,
  where: { database: string; archive: string },
): Promise<T> {
  try {
    return await copy();
  } catch (error) {
    const column = notNullColumn(error, table);
    if (!column) throw error;
    // An archive without the column at all lacks it on every row.
    const [row] = await archive
      .all(`SELECT count(*) AS n FROM ${quoteIdent(table)} WHERE ${quoteIdent(column)} IS NULL`)
      .catch(() => archive.all(`SELECT count(*) AS n FROM ${quoteIdent(table)}`));
    throw new MigrationError(
      `${Number(row?.n ?? 0)} row(s) of ${table} in the archive ${where.archive} have no ${column}, which ${where.database} requires (NOT NULL); nothing was carried`,
      {
        cause: error,
        hint: 'The archived runs stay readable with includeArchive: true; carryOverArchive cannot copy rows without that value into this database',
        cliHint:
          'The archived runs stay readable with --include-archive; --carry-over-archive cannot copy rows without that value into this database',
      },
    );
  }
}

/** The column a NOT NULL refusal of `table` names, or null. */
function notNullColumn(error: unknown, table: string): string | null {
  if (!(error instanceof ValidationError) || !error.problem.includes('(NOT NULL)')) return null;
  const [t, column] = error.field.replaceAll('"', '').split('.');
  return t === table && column ? column : null;
}
