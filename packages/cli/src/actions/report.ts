/** The work of `report`: runs, cost, tokens, overruns, compliance and fidelity per group (summarized by core). */

import { type SummaryGrouping, summarizeRuns } from '@runmeta/core';
import type { CommandRun } from '../commands/types.js';
import { renderReport } from '../output/report.js';
import { hintArchive } from '../shared/archive-hint.js';
import { filterFromOptions } from '../shared/run-filter-options.js';

/** Runs `report`, as declared (options, help) in `commands/report.ts`. */
export const run: CommandRun = async (ctx, _args, options) => {
  const manager = await ctx.open({ write: false });
  try {
    const by = options.by as SummaryGrouping;
    const filter = filterFromOptions(options);
    const summary = await summarizeRuns(manager, { ...filter, by });
    if (ctx.global.json) ctx.json(summary);
    else ctx.out(renderReport(summary));
    if (summary.totals.runs === 0) await hintArchive(ctx, manager, filter);
    return 0;
  } finally {
    await manager.close();
  }
};
