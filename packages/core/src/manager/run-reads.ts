/**
 * The manager's reads of runs and their child records: one run, all matching
 * runs (one query per database, merged with the archive when asked), stale
 * runs, and a run's child rows from whichever database holds the run. Reads
 * are lenient: every row decodes, with what could not be read in `readIssues`.
 * Page-by-page reading is in `run-iteration.ts`.
 *
 * @packageDocumentation
 */
import type { TableDef } from '../columns/registry.js';
import type { RunMetadata, RunSource } from '../columns/run-record.js';
import { RunNotFoundError } from '../errors.js';
import { asFilterError } from '../filter/engine-limits.js';
import { observeSchema } from '../migrate/observe.js';
import { runIdArgument } from '../schema/arguments.js';
import { ChildOptionsSchema, parseOptions, StaleRunsOptions } from '../schema/options.js';
import { RunFilter } from '../schema/run-metadata.js';
import { readValues } from '../sql/statement-executor.js';
import type { Executor } from '../storage/database.js';
import { rowOrderOf } from '../storage/keyset-pages.js';
import { archivedOnly, unionInOrder } from './archive-union.js';
import type { ManagerContext } from './context.js';
import type { ChildOptions } from './inputs.js';
import { decodeChildRow } from './run-children.js';
import {
  decodeRuns,
  groupMechanisms,
  mechanismsSelect,
  type ResolvedFilter,
  runsSelect,
} from './run-queries.js';
import { childRows, readRun, runExists } from './run-sql.js';

/** 0001-01-01T00:00:00Z, the earliest time ISO-8601 text (four-digit years) can hold. */
const EARLIEST_TIME_MS = -62_135_596_800_000;

/** One run by id; throws `RunNotFoundError` (searching the archive when asked). */
export async function getRun(
  context: ManagerContext,
  runId: string,
  given: ChildOptions,
): Promise<RunMetadata> {
  runId = runIdArgument(runId, 'read');
  const options = parseOptions(ChildOptionsSchema, given);
  const run = await readRun(context.db, context.columns.of('runs'), runId);
  if (run) {
    if (options.includeArchive) run.source = 'active';
    return run;
  }
  if (options.includeArchive) {
    const archive = await context.archive.open();
    if (archive) {
      const archived = await readRun(archive.db, archive.columns, runId, 'archive');
      if (archived) return archived;
    }
    throw new RunNotFoundError(runId);
  }
  throw await context.archive.runNotFound(runId, 'read');
}

/** All runs matching `filter`, in its order; with `includeArchive`, merged with the archive's. */
export async function getAllRuns(
  context: ManagerContext,
  filter: RunFilter,
): Promise<RunMetadata[]> {
  const f = parseOptions(RunFilter, filter, {
    name: 'filter',
    prefix: 'filter',
    operation: 'read',
  });
  const active = await selectRuns(
    context,
    context.db,
    context.columns.of('runs'),
    f,
    f.includeArchive ? 'active' : undefined,
  );
  if (!f.includeArchive) return active;
  const archive = await context.archive.open();
  if (!archive) return active;
  // A run in both databases (a carry-over) is the active copy, matching or not.
  const archived = await archivedOnly(context.db, f, (page) =>
    selectRuns(context, archive.db, archive.columns, { ...f, ...page }, 'archive'),
  );
  return unionInOrder(active, archived, f);
}

/** The runs of `db` matching `f` in one query (plus one grouped query for mechanisms). */
async function selectRuns(
  context: ManagerContext,
  db: Executor,
  columns: string[],
  f: ResolvedFilter & { withMechanisms?: boolean },
  source?: RunSource,
): Promise<RunMetadata[]> {
  const query = runsSelect(columns, f, { dialect: db.dialect });
  const rows = await readValues(db, query.sql, query.params).catch(asFilterError(f.where));
  const runs = decodeRuns(rows, source);
  if (f.withMechanisms) {
    const tables =
      db === context.db ? context.columns.tables() : Object.keys((await observeSchema(db)).tables);
    const mechanisms = mechanismsSelect(columns, f, db.dialect);
    const grouped = tables.includes('mechanism_usage')
      ? groupMechanisms(
          await db.all(mechanisms.sql, mechanisms.params).catch(asFilterError(f.where)),
        )
      : new Map<string, string[]>();
    // A run without an id (legacy tables allow a NULL key) matches no mechanism
    // row: the lists are keyed by the rows' text ids.
    for (const run of runs) run.mechanismsUsed = grouped.get(run.runId) ?? [];
  }
  return runs;
}

/** Runs still `running` that were created more than `olderThanMs` ago, oldest first. */
export async function findStaleRuns(
  context: ManagerContext,
  given: { olderThanMs: number; now?: Date; includeArchive?: boolean },
): Promise<RunMetadata[]> {
  const { olderThanMs, now, includeArchive } = parseOptions(StaleRunsOptions, given);
  // An age reaching before year 1 means "every run": the cutoff stops there.
  const cutoff = new Date(
    Math.max((now ?? new Date()).getTime() - olderThanMs, EARLIEST_TIME_MS),
  ).toISOString();
  // With the archive: one run per id (its active copy), merged in time order.
  return getAllRuns(context, { status: 'running', until: cutoff, includeArchive });
}

/** The child rows of a run, from the database that holds the run, in recorded order. */
export async function childRecords<T>(
  context: ManagerContext,
  table: TableDef,
  runId: string,
  given: ChildOptions,
): Promise<T[]> {
  runId = runIdArgument(runId, 'read');
  const options = parseOptions(ChildOptionsSchema, given);
  let db: Executor = context.db;
  let columns = context.columns.of(table.name);
  let schema = context.columns.observed;
  if (options.includeArchive && !(await runExists(context.db, runId))) {
    const archive = await context.archive.open();
    if (archive) {
      db = archive.db;
      schema = archive.schema;
      columns = (schema.tables[table.name] ?? []).map((c) => c.name);
    }
  }
  if (columns.length === 0) return [];
  // Recorded order: insertion order, or the key of a table without rowid.
  const rows = await childRows(db, table, columns, runId, rowOrderOf(schema, table.name));
  // No rows for a run that is only in the archive: say where it is rather than
  // answer "none" (a run that is nowhere keeps the empty answer).
  if (rows.length === 0 && !options.includeArchive && !(await runExists(context.db, runId))) {
    const missing = await context.archive.runNotFound(runId, 'read');
    if (missing.archive) throw missing;
  }
  return rows.map((row) => decodeChildRow(table, row) as T);
}

/** The columns of `runs` (SQL names, in table order), then the archive's when asked. */
export async function runsColumns(
  context: ManagerContext,
  given: { includeArchive?: boolean },
): Promise<string[][]> {
  const options = parseOptions(ChildOptionsSchema, given);
  const tables = [context.columns.of('runs')];
  const archive = options.includeArchive ? await context.archive.open() : null;
  if (archive) tables.push(archive.columns);
  return tables;
}
