/** The work of `compare`: runs side by side, every field, deltas against a baseline (compared by core). */

import { compareRuns } from '@runmeta/core';
import type { CommandRun } from '../commands/types.js';
import { renderComparison } from '../output/compare.js';

/** Runs `compare`, as declared (options, help) in `commands/compare.ts`. */
export const run: CommandRun = async (ctx, runIds, options) => {
  const manager = await ctx.open({ write: false });
  try {
    const result = await compareRuns(manager, runIds, {
      ...(options.baseline !== undefined ? { baseline: options.baseline as string } : {}),
      includeArchive: !!options.includeArchive,
    });
    if (ctx.global.json) ctx.json(result);
    else {
      ctx.out(
        renderComparison(result, {
          onlyDifferences: !!options.onlyDifferences,
          color: ctx.color,
        }),
      );
    }
    return 0;
  } finally {
    await manager.close();
  }
};
