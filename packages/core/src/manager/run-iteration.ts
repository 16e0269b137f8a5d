/**
 * Iterating over runs page by page, so millions of runs never sit in memory at
 * once: the active database's runs in insertion order, then the archive's that
 * the active database does not hold (a run in both is read once, as its active
 * copy). Mechanisms are attached per page with grouped queries, never per run.
 *
 * @packageDocumentation
 */
import type * as z from 'zod/mini';
import type { RunMetadata } from '../columns/run-record.js';
import { observeSchema } from '../migrate/observe.js';
import { IterateOptionsSchema, IterateRunsFilter, parseOptions } from '../schema/options.js';
import type { RunFilter } from '../schema/run-metadata.js';
import type { Executor } from '../storage/database.js';
import { rowOrderOf } from '../storage/keyset-pages.js';
import type { ManagerContext } from './context.js';
import { attachChildren } from './run-children.js';
import { pageRuns, presentRunIds } from './run-pages.js';
import { mechanismsOfRuns } from './run-sql.js';

/** The matching runs of the active database, then of the archive when asked. */
export async function* iterateRuns(
  context: ManagerContext,
  filter: Omit<RunFilter, 'limit' | 'order'>,
  options: { pageSize?: number; withChildren?: boolean },
): AsyncGenerator<RunMetadata> {
  const f = parseOptions(IterateRunsFilter, filter, {
    name: 'filter',
    prefix: 'filter',
    operation: 'read',
  });
  const given = parseOptions(IterateOptionsSchema, options, { operation: 'read' });
  const pageSize = given.pageSize ?? 1000;
  const withChildren = given.withChildren === true;
  const source = f.includeArchive ? 'active' : undefined;
  const order = rowOrderOf(context.columns.observed, 'runs');
  for await (const runs of pageRuns(
    context.db,
    context.columns.of('runs'),
    f,
    pageSize,
    source,
    order,
    withChildren,
  )) {
    if (f.withMechanisms) await attachMechanisms(context, context.db, runs);
    yield* withChildren ? await attachChildren(context.db, context.columns.observed, runs) : runs;
  }
  if (f.includeArchive) {
    for await (const runs of archivedPages(context, f, pageSize, withChildren)) yield* runs;
  }
}

/** Pages of the archive's matching runs that the active database does not hold. */
async function* archivedPages(
  context: ManagerContext,
  f: z.output<typeof IterateRunsFilter>,
  pageSize: number,
  withChildren: boolean,
): AsyncGenerator<RunMetadata[]> {
  const archive = await context.archive.open();
  if (!archive || archive.columns.length === 0) return;
  const withMechanisms =
    f.withMechanisms && !!(await observeSchema(archive.db)).tables.mechanism_usage;
  const order = rowOrderOf(archive.schema, 'runs');
  const pages = pageRuns(archive.db, archive.columns, f, pageSize, 'archive', order, withChildren);
  for await (const page of pages) {
    const active = await presentRunIds(
      context.db,
      page.map((run) => run.runId),
    );
    const runs = page.filter((run) => !active.has(run.runId));
    if (withMechanisms) await attachMechanisms(context, archive.db, runs);
    else if (f.withMechanisms) for (const run of runs) run.mechanismsUsed = [];
    if (runs.length)
      yield withChildren ? await attachChildren(archive.db, archive.schema, runs) : runs;
  }
}

/** Fill `mechanismsUsed` for a page of runs of `db`. */
async function attachMechanisms(
  context: ManagerContext,
  db: Executor,
  runs: RunMetadata[],
): Promise<void> {
  if (runs.length === 0) return;
  if (db === context.db && !context.columns.has('mechanism_usage')) {
    for (const run of runs) run.mechanismsUsed = [];
    return;
  }
  const grouped = await mechanismsOfRuns(
    db,
    runs.map((r) => r.runId),
  );
  for (const run of runs) run.mechanismsUsed = grouped.get(run.runId) ?? [];
}
