/** The work of `runs count`: how many runs a filter selects, counted by the database. */

import { countRuns } from '@runmeta/core';
import type { CommandRun } from '../commands/types.js';
import { hintArchive } from '../shared/archive-hint.js';
import { filterFromOptions } from '../shared/run-filter-options.js';

/** Runs `runs count`, as declared (options, help) in `commands/runs-count.ts`. */
export const run: CommandRun = async (ctx, _args, options) => {
  const manager = await ctx.open({ write: false, mapped: true });
  try {
    const filter = filterFromOptions(options);
    const runs = await countRuns(manager, filter);
    if (ctx.global.json) ctx.json({ runs });
    else ctx.out(String(runs));
    if (runs === 0) await hintArchive(ctx, manager, filter);
    return 0;
  } finally {
    await manager.close();
  }
};
