/** The work of `inspect`: the LLM-ready snapshot of one run. */

import { formatSnapshotForLlm } from '@runmeta/core';
import { loadLatestNarrative } from '@runmeta/node-sqlite';
import type { CommandRun } from '../commands/types.js';

/** Runs `inspect`, as declared (options, help) in `commands/inspect.ts`. */
export const run: CommandRun = async (ctx, [runId], options) => {
  const manager = await ctx.open({ write: false });
  try {
    const run = await manager.getRun(runId!, { includeArchive: true });
    if (options.datasets && !run.templateId)
      ctx.warn(`run ${runId} has no template_id, so --datasets has no narrative to add`);
    const narrative =
      options.datasets && run.templateId
        ? loadLatestNarrative(String(options.datasets), run.templateId, {
            onWarning: (message) => ctx.warn(message),
          })
        : null;
    const snapshot = await manager.getSnapshot(runId!, { includeArchive: true, narrative });
    if (ctx.global.json) ctx.json(snapshot);
    else ctx.out(formatSnapshotForLlm(snapshot));
    return 0;
  } finally {
    await manager.close();
  }
};
