/**
 * After a migration with the default strategy the active database starts
 * empty and every v1 run sits in the archive: an answer read without
 * `--include-archive` would then say "0" with no word of where the runs are.
 */
import { countRuns, type MetadataManager, type RunQueryFilter } from '@runmeta/core';
import type { CliContext } from '../context.js';

/**
 * When a read without the archive found no run, one line (stderr) saying how
 * many runs the v1 archive holds that the same filter selects, and the flag
 * that reads them. Nothing when there is no archive or it adds none.
 */
export async function hintArchive(
  ctx: CliContext,
  manager: MetadataManager,
  filter: RunQueryFilter,
): Promise<void> {
  if (filter.includeArchive) return;
  const archive = await manager.archiveName();
  if (!archive) return;
  // The active database has none of them, so the union counts the archive's.
  const archived = await countRuns(manager, { ...filter, includeArchive: true });
  if (archived > 0) {
    ctx.info(
      `${archived} run(s) that this reads are in the v1 archive (${archive}): add --include-archive to read them too`,
    );
  }
}
