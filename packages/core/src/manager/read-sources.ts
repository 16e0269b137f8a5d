/**
 * The databases a question over runs reads (`queries/`): the active database
 * and, when asked and present, its read-only v1 archive. Each comes with its
 * connection and the columns its tables actually have, because the two can
 * differ in shape (an 18-column v1 archive beside a 27-column v2 table) and a
 * question builds its SQL from what is there, as the manager's own reads do.
 *
 * @packageDocumentation
 */
import type { RunSource } from '../columns/run-record.js';
import type { Executor } from '../storage/database.js';
import type { ManagerContext } from './context.js';

/** One database a question reads. */
export interface ReadSource {
  /** `active`, or `archive` for the v1 archive. */
  readonly source: RunSource;
  /** Its connection; questions only read through it. */
  readonly db: Executor;
  /** Where it is, in the adapter's words (a file path, a server schema). */
  readonly location: string;
  /** The columns `table` has here (SQL names, in table order); none when it lacks the table. */
  columns(table: string): readonly string[];
}

/**
 * The active database, then — with `includeArchive`, when there is one — its
 * archive, opened read-only on first use and kept open by the manager.
 */
export async function readSources(
  context: ManagerContext,
  options: { includeArchive?: boolean | undefined },
): Promise<ReadSource[]> {
  const sources: ReadSource[] = [
    {
      source: 'active',
      db: context.db,
      location: context.adapter.describe(context.database),
      columns: (table) => context.columns.of(table),
    },
  ];
  if (!options.includeArchive) return sources;
  const archive = await context.archive.open();
  if (archive) {
    sources.push({
      source: 'archive',
      db: archive.db,
      location: context.adapter.describe(archive.name),
      columns: (table) => (archive.schema.tables[table] ?? []).map((c) => c.name),
    });
  }
  return sources;
}
