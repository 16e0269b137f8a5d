/** `inspect`: the LLM-ready snapshot of one run. */
import { formatSnapshotForLlm } from '@runmeta/core';
import { loadLatestNarrative } from '@runmeta/node-sqlite';
import type { CommandSpec } from './types.js';

export const inspect: CommandSpec = {
  name: 'inspect',
  summary: 'The LLM-ready snapshot of one run, with its fidelity block',
  printsData: true,
  arguments: [{ name: 'run_id', description: 'the run to inspect' }],
  options: [
    {
      flags: '--datasets <dir>',
      description:
        'datasets folder: adds characters, timeline, latest event and dialogs from the newest narrative export',
    },
  ],
  examples: [
    {
      command: 'runmeta inspect run_20251211_120536_66b420bf --datasets datasets',
      description: 'snapshot with narrative',
    },
  ],
  async run(ctx, [runId], options) {
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
  },
};
