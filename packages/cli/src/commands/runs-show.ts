/** `runs show`: one run with its mechanisms, resolutions and validations. */
import { runJson } from '../output/records.js';
import { renderChildRecords } from '../output/run-detail.js';
import type { CommandSpec } from './types.js';

export const runsShow: CommandSpec = {
  name: 'show',
  summary: 'One run with its mechanisms, resolutions and validations',
  description:
    'Every field of one run (active database or archive), then its mechanism events, resolution assignments and validations, one line each, with the violations of each validation listed under it. Values longer than 80 characters are cut with …; --json prints everything in full.',
  printsData: true,
  arguments: [{ name: 'run_id', description: 'the run to show' }],
  examples: [
    {
      command: 'runmeta runs show run_20251211_120536_66b420bf --json',
      description: 'everything about one run',
    },
  ],
  async run(ctx, [runId]) {
    const manager = await ctx.open({ write: false });
    try {
      const run = await manager.getRun(runId!, { includeArchive: true });
      const both = { includeArchive: true };
      const mechanisms = await manager.getMechanisms(runId!, both);
      const resolutions = await manager.getResolutions(runId!, both);
      const validations = await manager.getValidations(runId!, both);
      if (ctx.global.json) {
        ctx.json({ run: runJson(run), mechanisms, resolutions, validations });
        return 0;
      }
      const rows = Object.entries(run).filter(
        ([k, v]) => v !== null && v !== undefined && k !== 'extra' && k !== 'readIssues',
      );
      const width = Math.max(...rows.map(([k]) => k.length));
      ctx.out(
        rows
          .map(
            ([k, v]) =>
              `${k.padEnd(width)}  ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`,
          )
          .join('\n'),
      );
      for (const [k, v] of Object.entries(run.extra))
        ctx.out(`${`extra.${k}`.padEnd(width)}  ${String(v)}`);
      ctx.out(`\n${renderChildRecords(mechanisms, resolutions, validations, ctx.color)}`);
      return 0;
    } finally {
      await manager.close();
    }
  },
};
