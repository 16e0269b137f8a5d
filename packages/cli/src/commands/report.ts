/** `report`: counts, cost, tokens, overruns and fidelity totals per group (aggregated by core). */
import { aggregateRuns, type ReportBy } from '@runmeta/core';
import { renderReport } from '../output/report.js';
import type { CommandSpec } from './types.js';

export const report: CommandSpec = {
  name: 'report',
  summary: 'Counts, cost, tokens, budget overruns and fidelity totals, with bar charts',
  description: 'Aggregate every run (active database and archive) by template, mode or status.',
  printsData: true,
  options: [
    {
      flags: '--by <field>',
      description: 'group by',
      choices: ['template', 'mode', 'status'],
      default: 'template',
    },
  ],
  examples: [{ command: 'runmeta report --by mode', description: 'per temporal mode' }],
  async run(ctx, _args, options) {
    const manager = await ctx.open({ write: false });
    try {
      const by = options.by as ReportBy;
      const groups = aggregateRuns(await manager.getAllRuns({ includeArchive: true }), by);
      if (ctx.global.json) ctx.json(groups);
      else ctx.out(renderReport(groups, by));
      return 0;
    } finally {
      await manager.close();
    }
  },
};
