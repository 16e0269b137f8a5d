/** The work of `runs close --stale`: fail runs still running after a given age. */

import { countArchivedStaleRuns } from '@runmeta/core';
import { archivedStaleLine, refuseClosingInV1 } from '../archive-words.js';
import type { CommandRun } from '../commands/types.js';
import { runJson } from '../output/records.js';
import { formatDuration } from '../shared/option-values.js';
import { CliUsageError } from '../usage-error.js';

/** Runs `runs close`, as declared (options, help) in `commands/runs-close.ts`. */
export const run: CommandRun = async (ctx, _args, options) => {
  if (!options.stale || options.olderThan === undefined)
    throw new CliUsageError('runs close needs --stale and --older-than <duration>');
  const olderThanMs = options.olderThan as number;
  const olderThan = formatDuration(olderThanMs);
  const dryRun = !!options.dryRun;
  const manager = await ctx.open({
    write: !dryRun,
    refuseV1: refuseClosingInV1(ctx.location.display, olderThanMs, olderThan),
  });
  try {
    // One instant for both questions, so the two answers agree.
    const now = new Date();
    const runs = dryRun
      ? await manager.findStaleRuns({ olderThanMs, now })
      : await manager.closeStaleRuns({
          olderThanMs,
          now,
          reason: options.reason as string | undefined,
        });
    const archived = await countArchivedStaleRuns(manager, { olderThanMs, now });
    if (ctx.global.json) ctx.json(runs.map(runJson));
    else {
      for (const run of runs) ctx.out(run.runId);
      ctx.info(
        dryRun
          ? `${runs.length} stale run(s) would be closed as failed (dry run: nothing was changed)`
          : `${runs.length} stale run(s) closed as failed`,
      );
    }
    if (archived > 0) {
      const name = await manager.archiveName();
      ctx.warn(archivedStaleLine(archived, ctx.adapter().describe(name ?? ''), !dryRun));
    }
    return 0;
  } finally {
    await manager.close();
  }
};
