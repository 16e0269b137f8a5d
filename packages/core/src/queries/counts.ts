/**
 * Counting runs: the numbers `runmeta status`, `runs count` and `runmeta export`
 * show. Counted by the database (one `count(*)`), not by reading every run.
 *
 * @packageDocumentation
 */
import type { MetadataManager } from '../manager/metadata-manager.js';
import { RUN_STATUSES } from '../schema/enum-values.js';
import { compileFilter, type RunQueryFilter, RunQueryFilterSchema, whereSql } from './run-query.js';

/** What counting needs of a manager: its read-only query and its schema detection. */
export type CountSource = Pick<MetadataManager, 'query' | 'detection'>;

/**
 * The number of runs `filter` selects (every run of the active database when
 * none is given; with `includeArchive`, the union with the archive, a run in
 * both counted once). One `count(*)` in the database.
 */
export async function countRuns(
  manager: Pick<MetadataManager, 'runsView'>,
  filter: RunQueryFilter = {},
): Promise<number> {
  const { filter: f } = await compileFilter(manager, filter, RunQueryFilterSchema, 'filter');
  const [row] = await f.all(
    `SELECT count(*) AS n FROM ${f.view.from}${whereSql(f.conditions)}`,
    f.params,
  );
  return Number(row?.n ?? 0);
}

/** Options of {@link countRunsByStatus}. */
export interface CountByStatusOptions {
  /**
   * The backend's dialect name (`adapter.dialect?.name ?? 'sqlite'`). On SQLite
   * the stored values are grouped byte for byte even when a legacy table declares
   * a collation on `status` (`COLLATE NOCASE` would merge `Weird` and `WEIRD`);
   * other backends compare text exactly already.
   */
  dialect?: string;
}

/**
 * Runs of the active database per status, in the order of the statuses' text.
 * Counted as reads decode a status (`FAILED `, stored by hand, is `failed`), so
 * the counts agree with what `runs list --status` finds; a status that is none
 * of the known ones is counted as stored, and a legacy runs table without a
 * status column counts all its runs under `null`.
 */
export async function countRunsByStatus(
  manager: CountSource,
  options: CountByStatusOptions = {},
): Promise<Record<string, number>> {
  const known = RUN_STATUSES.map(() => '?').join(', ');
  const hasStatus = manager.detection.runsColumns.some((c) => c.toLowerCase() === 'status');
  // Grouped twice: first by the stored value (the status index answers that
  // without reading a run: a handful of group rows for a million runs), then
  // those few rows folded as reads decode them. Folding every run instead made
  // SQLite compute lower(trim()) per run and sort the results (~1 s at 1M runs).
  const stored = !hasStatus
    ? 'SELECT NULL AS status, count(*) AS n FROM runs'
    : `SELECT status, count(*) AS n FROM runs GROUP BY status${options.dialect === 'sqlite' ? ' COLLATE BINARY' : ''}`;
  const folded = `CASE WHEN lower(trim(status)) IN (${known}) THEN lower(trim(status)) ELSE status END`;
  const rows = await manager.query(
    `SELECT ${folded} AS status, sum(n) AS n FROM (${stored}) AS stored WHERE n > 0 GROUP BY 1 ORDER BY 1`,
    RUN_STATUSES,
  );
  return Object.fromEntries(rows.map((r) => [String(r.status), Number(r.n)]));
}

/**
 * How many stale runs (still `running`, started longer than `olderThanMs`
 * before `now`) only the read-only v1 archive holds: those
 * {@link MetadataManager.closeStaleRuns} cannot close until the archive is
 * carried over.
 */
export async function countArchivedStaleRuns(
  manager: Pick<MetadataManager, 'findStaleRuns'>,
  options: { olderThanMs: number; now?: Date },
): Promise<number> {
  const stale = await manager.findStaleRuns({ ...options, includeArchive: true });
  return stale.filter((run) => run.source === 'archive').length;
}
