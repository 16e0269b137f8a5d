/** The work of `runs show`: one run with its mechanisms, resolutions and validations. */
import type { CommandRun } from '../commands/types.js';
import { runJson } from '../output/records.js';
import { renderChildRecords } from '../output/run-detail.js';

/** Runs `runs show`, as declared (options, help) in `commands/runs-show.ts`. */
export const run: CommandRun = async (ctx, [runId]) => {
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
};
