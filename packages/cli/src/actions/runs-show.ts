/** The work of `runs show`: one run with its mechanisms, resolutions and validations. */
import { exportFields, exportValue, type RunMetadata } from '@runmeta/core';
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
    const lines = rows.map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]);
    lines.push(...unreadable(run));
    const width = Math.max(...lines.map(([k]) => k!.length));
    ctx.out(lines.map(([k, v]) => `${k!.padEnd(width)}  ${v}`).join('\n'));
    for (const [k, v] of Object.entries(run.extra))
      ctx.out(`${`extra.${k}`.padEnd(width)}  ${String(v)}`);
    ctx.out(`\n${renderChildRecords(mechanisms, resolutions, validations, ctx.color)}`);
    return 0;
  } finally {
    await manager.close();
  }
};

/**
 * The fields whose stored value no read can decode (text that is not JSON in a
 * JSON column, text in a number column): `runs show` prints every field, so
 * these too, as stored, each marked as unreadable.
 */
function unreadable(run: RunMetadata): string[][] {
  const issues = (run.readIssues ?? []).filter((issue) => issue.kind !== 'unknown_enum');
  if (!issues.length) return [];
  return exportFields([issues.map((issue) => issue.column)]).flatMap((field) => {
    if (field.kind !== 'field' || (run as Record<string, unknown>)[field.name] != null) return [];
    // For a field read as nothing, the export value is what is stored, if anything.
    const stored = exportValue(run, field);
    if (stored === null || stored === undefined) return [];
    return [[field.name, `${String(stored)}  (stored as is; runmeta cannot read it)`]];
  });
}
