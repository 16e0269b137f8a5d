/**
 * The runs a question is asked over, as one SQL source on the manager's own
 * connection: the active `runs` table, or — with the archive — the union of the
 * active runs and the archived runs the active database does not hold (a run in
 * both is the active copy, matching or not, so the union is made *before* any
 * filter, order or limit applies). The archive is reached in the same statement:
 * attached (SQLite files), named by its schema (a server), or, when the adapter
 * can do neither (in-memory containers, the browser), copied once into a
 * temporary table page by page, so memory stays flat either way.
 *
 * @packageDocumentation
 */
import { V1_SCHEMA_VERSION } from '../columns/registry.js';
import { NotADatabaseError } from '../errors.js';
import { quoteIdent } from '../sql/quote.js';
import type { Database, Executor } from '../storage/database.js';
import {
  copyKeysetPages,
  keyOf,
  keysetSelects,
  type RowOrder,
  rowOrderOf,
} from '../storage/keyset-pages.js';
import type { OpenArchive } from './archive-lookup.js';
import type { ManagerContext } from './context.js';

/** The runs of a question: an SQL source and the columns it has. */
export interface RunsView {
  /** The connection the source is read through. */
  readonly db: Database;
  /**
   * What follows `FROM`: `"runs"`, or a parenthesised union aliased `"runs"`, so
   * unqualified column names (filters, orders) read the same either way.
   */
  readonly from: string;
  /** The one table the runs are when they are one (no archive joined): `runs`; else null. */
  readonly table: string | null;
  /** Its columns (SQL names): the active table's, then any only the archive has. */
  readonly columns: readonly string[];
  /** Whether rows carry a `source` column (`active` or `archive`). */
  readonly withSource: boolean;
  /**
   * The error a failed read of the source throws: a damaged archive is named
   * as the archive (its own connection words it), not as the active database
   * the statement ran on.
   */
  readonly failure: (error: unknown) => Promise<never>;
}

const rethrow = async (error: unknown): Promise<never> => {
  throw error;
};

/** The schema name an attached archive gets on the manager's connection. */
const ATTACHED = 'runmeta_archive';
/** The temporary copy of the archive's runs, when it cannot be reached otherwise. */
const COPIED = 'runmeta_archive_runs';
/** Rows per page when copying the archive's runs into the temporary table. */
const COPY_PAGE = 2000;

/** The archive's `runs` table as the manager's connection names it, per connection. */
const reached = new WeakMap<Database, Promise<string>>();

/**
 * Reach the archive from the manager's connection, once per connection: name its
 * schema (a server), attach it (SQLite files), or copy its runs into a
 * temporary table (anything else).
 */
function archiveTable(context: ManagerContext, archive: OpenArchive): Promise<string> {
  let table = reached.get(context.db);
  if (!table) {
    table = reach(context, archive);
    reached.set(context.db, table);
    // A failed attempt is tried again by the next question.
    table.catch(() => reached.delete(context.db));
  }
  return table;
}

async function reach(context: ManagerContext, archive: OpenArchive): Promise<string> {
  const way = context.adapter.reach?.(archive.name);
  if (way && 'schema' in way) return `${quoteIdent(way.schema)}."runs"`;
  if (way && 'attach' in way) {
    await context.db.run(`ATTACH DATABASE ? AS ${quoteIdent(ATTACHED)}`, [way.attach]);
    return `${quoteIdent(ATTACHED)}."runs"`;
  }
  await context.db.exclusive((db) => copyArchiveRuns(db, archive));
  return `temp.${quoteIdent(COPIED)}`;
}

/**
 * Copy the archive's runs into a temporary table of `target`, page by page in
 * the archive's row order. A temporary table belongs to its connection, which
 * may write it even when read-only: the `query_only` guard is lifted for the
 * copy alone.
 */
async function copyArchiveRuns(target: Executor, archive: OpenArchive): Promise<void> {
  const order: RowOrder = rowOrderOf(archive.schema, 'runs');
  const columns = archive.columns.map(quoteIdent).join(', ');
  const reads = keysetSelects(order, columns, '"runs"');
  const [guard] = await target.all('PRAGMA query_only');
  await target.run('PRAGMA query_only = OFF');
  try {
    // A copy an earlier question left half-made (it failed) is started again.
    await target.run(`DROP TABLE IF EXISTS temp.${quoteIdent(COPIED)}`);
    await target.run(`CREATE TEMP TABLE ${quoteIdent(COPIED)} (${columns})`);
    await copyKeysetPages({
      source: {
        read: (after) =>
          after === null
            ? archive.db.all(reads.first, [COPY_PAGE])
            : archive.db.all(reads.next, [...after, COPY_PAGE]),
        keyOf: (row) => keyOf(order, row),
        pageSize: COPY_PAGE,
      },
      target,
      insert: `INSERT INTO temp.${quoteIdent(COPIED)} (${columns}) VALUES (${archive.columns.map(() => '?').join(', ')})`,
      params: (row) => archive.columns.map((c) => row[c] ?? null),
      onPage: () => {},
      pause: async () => {},
    });
  } finally {
    await target.run(`PRAGMA query_only = ${Object.values(guard ?? {})[0] ? 'ON' : 'OFF'}`);
  }
}

/**
 * `SELECT` of `columns` (those `has` lacks as NULL) and the source's name, from
 * `from`. The v1 archive has no `schema_version`: its runs report `1.0`
 * (SPEC §4), in a list and a filter as in `getAllRuns`.
 */
function select(
  columns: readonly string[],
  has: readonly string[],
  source: 'active' | 'archive',
  from: string,
): string {
  const present = new Set(has);
  const missing = (c: string) =>
    source === 'archive' && c === 'schema_version'
      ? `'${V1_SCHEMA_VERSION}' AS ${quoteIdent(c)}`
      : `NULL AS ${quoteIdent(c)}`;
  const list = columns.map((c) => (present.has(c) ? quoteIdent(c) : missing(c)));
  return `SELECT ${list.join(', ')}, '${source}' AS "source" FROM ${from}`;
}

/**
 * The runs of `context`'s database as an SQL source; with `includeArchive` (and
 * an archive present), the union with the archive's runs the active database
 * does not hold, each row saying its `source`.
 */
export async function runsView(
  context: ManagerContext,
  options: { includeArchive?: boolean | undefined },
): Promise<RunsView> {
  const active = context.columns.of('runs');
  if (!options.includeArchive) {
    return {
      db: context.db,
      from: '"runs"',
      table: 'runs',
      columns: active,
      withSource: false,
      failure: rethrow,
    };
  }
  const archive = await context.archive.open();
  const activePart = (columns: readonly string[]) => select(columns, active, 'active', '"runs"');
  if (!archive || archive.columns.length === 0) {
    return {
      db: context.db,
      from: `(${activePart(active)}) AS "runs"`,
      table: null,
      columns: active,
      withSource: true,
      failure: rethrow,
    };
  }
  const columns = [...active, ...archive.columns.filter((c) => !active.includes(c))];
  const table = await archiveTable(context, archive);
  const archived = `${select(columns, archive.columns, 'archive', `${table} AS "a"`)} WHERE NOT EXISTS (SELECT 1 FROM "runs" AS "m" WHERE "m"."run_id" = "a"."run_id")`;
  return {
    db: context.db,
    from: `(${activePart(columns)} UNION ALL ${archived}) AS "runs"`,
    table: null,
    columns,
    withSource: true,
    // A damaged file: read every archived row through the archive's own
    // connection (inside the database, one row out), so a damage there is
    // reported as the archive's; any other error stands as it was.
    failure: async (error) => {
      if (error instanceof NotADatabaseError)
        await archive.db.all(`SELECT count(*) AS "n" FROM (SELECT * FROM "runs") AS "r"`);
      throw error;
    },
  };
}
