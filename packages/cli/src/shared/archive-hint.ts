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
 * that reads them. Nothing when there is no archive, it adds none, or it
 * cannot be read.
 */
export async function hintArchive(
  ctx: CliContext,
  manager: MetadataManager,
  filter: RunQueryFilter,
): Promise<void> {
  if (filter.includeArchive) return;
  let archive: string | null;
  let archived: number;
  try {
    archive = await manager.archiveName();
    if (!archive) return;
    // The active database has none of them, so the union counts the archive's.
    archived = await countRuns(manager, { ...filter, includeArchive: true });
  } catch {
    // A hint is no answer: an archive that cannot be read (damaged, locked)
    // leaves the answer given, and its exit code, as they are.
    return;
  }
  if (archived > 0) {
    ctx.info(
      `${archived} run(s) that this reads are in the v1 archive (${archive}): add --include-archive to read them too`,
    );
  }
}
