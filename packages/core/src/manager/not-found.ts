/**
 * "Run not found", told precisely: a run that is not in the active database may
 * be in its v1 archive, and then the error says so and how to reach it
 * (`includeArchive: true` / `--include-archive`), instead of sending the user to
 * list runs that would not show it either.
 */
import { RunNotFoundError } from '../errors.js';
import type { Executor } from '../storage/database.js';

/** The archive of a manager, as far as a lookup needs it. */
export interface ArchiveHandle {
  db: Executor;
  /** Its name in the container (`runs_v1_archive.db`). */
  name: string;
}

/**
 * The error for a run missing from the active database: it names the archive
 * when the run is there. A damaged or unreadable archive is not the caller's
 * question, so it just leaves the plain error.
 *
 * @internal
 */
export async function runNotFound(
  runId: string,
  openArchive: () => Promise<ArchiveHandle | null>,
  describe: (name: string) => string,
  operation: 'read' | 'write',
): Promise<RunNotFoundError> {
  try {
    const archive = await openArchive();
    if (archive) {
      const rows = await archive.db.all('SELECT 1 AS x FROM "runs" WHERE "run_id" = ?', [runId]);
      if (rows.length > 0) {
        return new RunNotFoundError(runId, { archive: describe(archive.name), operation });
      }
    }
  } catch {
    // Fall through to the plain error.
  }
  return new RunNotFoundError(runId);
}
