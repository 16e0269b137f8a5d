/** `runs close --stale`: fail runs still running after a given age. */
import { countArchivedStaleRuns } from '@runmeta/core';
import {
  archivedStaleLine,
  CARRY_OVER_ARCHIVE,
  CARRY_OVER_FIRST,
  refuseClosingInV1,
} from '../archive-words.js';
import { CliUsageError } from '../errors.js';
import { runJson } from '../output/records.js';
import { duration, formatDuration } from '../shared/option-values.js';
import type { CommandSpec } from './types.js';

export const runsClose: CommandSpec = {
  name: 'close',
  summary: 'Close runs still running after a given age as failed',
  description: `Find runs whose status is still running although they started longer ago than --older-than (their process died), and mark them failed with a reason. With --dry-run, list them and change nothing.

Only the active database is changed. After a migration with the archive strategy, running runs of the read-only v1 archive are counted on stderr, not closed: carry them over with \`${CARRY_OVER_ARCHIVE}\` first. On a v1 file runs close refuses (exit 3) instead of migrating it, since the archive strategy would move the running runs out of reach: run \`${CARRY_OVER_FIRST}\` first.`,
  printsData: true,
  options: [
    {
      flags: '--stale',
      description: 'close stale runs (required: the only kind of closing there is)',
    },
    { flags: '--older-than <duration>', description: 'age, e.g. 6h, 2d, 1w', value: duration },
    { flags: '--reason <text>', description: 'error message to store' },
    { flags: '--dry-run', description: 'list the runs that would be closed; change nothing' },
  ],
  examples: [
    {
      command: 'runmeta runs close --stale --older-than 1d',
      description: 'fail runs stuck for a day',
    },
    {
      command: 'runmeta runs close --stale --older-than 1d --dry-run',
      description: 'see which runs that would close',
    },
  ],
  async run(ctx, _args, options) {
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
  },
};
