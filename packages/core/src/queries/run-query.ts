/**
 * The filter every question over many runs takes (list, count, summarize,
 * coverage): template, status, mode, a time range and a `--where` filter, over
 * the active runs or — with `includeArchive` — their union with the archive.
 * Declared once here, compiled to SQL once here.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { asFilterError } from '../filter/engine-limits.js';
import type { MetadataManager } from '../manager/metadata-manager.js';
import { filterConditions } from '../manager/run-queries.js';
import type { RunsView } from '../manager/runs-view.js';
import { parseOptions } from '../schema/options.js';
import { RunFilter } from '../schema/run-metadata.js';
import type { Row, SqlValue } from '../sql/values.js';
import { storedEnumValues } from './stored-values.js';

/** The filter of a question over many runs (see {@link RunQueryFilter}). */
export const RunQueryFilterSchema = z.pick(RunFilter, {
  templateId: true,
  status: true,
  causalMode: true,
  since: true,
  until: true,
  where: true,
  includeArchive: true,
});

/**
 * Which runs a question is about. Every field narrows (they combine with AND):
 * `since`/`until` compare creation *times* (ISO-8601 with `T` or a space, a zone
 * or UTC), `where` is the `--where` language. With `includeArchive` the
 * archive's runs join the active ones before anything is filtered, and a run in
 * both counts once, as its active copy.
 */
export type RunQueryFilter = z.input<typeof RunQueryFilterSchema>;

/** A filter, validated, with the runs it reads and its SQL conditions. */
export interface CompiledFilter {
  view: RunsView;
  /** SQL conditions (joined with AND by the caller); empty for every run. */
  conditions: string[];
  params: SqlValue[];
  /** Runs the statement, turning a filter the database refuses into a typed filter error. */
  all(sql: string, params: readonly SqlValue[]): Promise<Row[]>;
  /** Streams the statement's rows (see `Database.iterate`), with the same typed filter errors. */
  iterate(sql: string, params: readonly SqlValue[]): AsyncGenerator<Row>;
}

/** The enum columns a filter may compare (a mention in `where` is enough: a wrong guess costs one index probe). */
function enumColumnsOf(f: z.output<typeof RunQueryFilterSchema>): string[] {
  const columns: string[] = [];
  if (f.status !== undefined || /status/i.test(f.where ?? '')) columns.push('status');
  if (f.causalMode !== undefined || /causal_?mode/i.test(f.where ?? ''))
    columns.push('causal_mode');
  return columns;
}

/** `WHERE a AND b`, or nothing. */
export function whereSql(conditions: readonly string[]): string {
  return conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
}

/**
 * Validate `given` (errors name `option.field`), open the runs it reads and
 * compile it. `schema` may extend the filter with the question's own options.
 * A status or mode filter compares the values the table stores (so the
 * column's index can answer it) unless `foldEnums` says, for these options, to
 * keep the fold: when another index should lead, as a sorted list's does (see
 * `storedEnumValues`).
 */
export async function compileFilter<S extends z.ZodMiniType<object>>(
  manager: Pick<MetadataManager, 'runsView'>,
  given: unknown,
  schema: S,
  option: string,
  foldEnums: (options: z.output<S>) => boolean = () => false,
): Promise<{ options: z.output<S>; filter: CompiledFilter }> {
  const options = parseOptions(schema, given ?? {}, {
    name: option,
    prefix: option,
    operation: 'read',
  });
  const f = options as z.output<typeof RunQueryFilterSchema>;
  const view = await manager.runsView({ includeArchive: f.includeArchive });
  const folded = foldEnums(options) ? {} : await storedEnumValues(view, enumColumnsOf(f));
  const { conditions, params } = filterConditions(view.columns, f, view.db.dialect, folded);
  return {
    options,
    filter: {
      view,
      conditions,
      params,
      all: (sql, params) =>
        view.db
          .all(sql, [...params])
          .catch(view.failure)
          .catch(asFilterError(f.where)),
      async *iterate(sql, params) {
        try {
          yield* view.db.iterate(sql, [...params]);
        } catch (error) {
          await view.failure(error).catch(asFilterError(f.where));
        }
      },
    },
  };
}
