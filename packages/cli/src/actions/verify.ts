/** The work of `verify`: is the database intact? The integrity checks `status` leaves out, and nothing else. */
import type { CommandRun } from '../commands/types.js';
import { CHECK_FAILED } from '../shared/exit-codes.js';
import { formatArchive, statusProblems, withStatus } from '../shared/show-status.js';

/** Runs `verify`, as declared (options, help) in `commands/verify.ts`. */
export const run: CommandRun = (ctx) =>
  withStatus(ctx, true, (status, leftoverLines) => {
    const problems = statusProblems(status);
    if (ctx.global.json) {
      ctx.json({ ...status, ok: problems.length === 0, problems });
      return problems.length ? CHECK_FAILED : 0;
    }
    const c = ctx.color;
    const integrity = status.integrity ?? '';
    const schema =
      status.kind === 'newer'
        ? c.yellow(`${status.schemaVersion}, newer than this runmeta`)
        : status.upToDate
          ? `${status.schemaVersion} (${status.kind}), up to date`
          : c.yellow(`${status.schemaVersion ?? '—'} (${status.kind}), needs migration`);
    ctx.out(
      [
        `${c.bold('Database')}       ${status.path}`,
        `Integrity      ${integrity === 'ok' ? c.green('ok') : c.red(integrity)}`,
        `Schema         ${schema}`,
        `Archive        ${formatArchive(ctx, status)}`,
        ...leftoverLines.map(
          (line, i) => `${i === 0 ? 'Left over     ' : '              '} ${line}`,
        ),
        `Result         ${
          problems.length === 0
            ? c.green('ok')
            : c.red(
                `${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.join('; ')}`,
              )
        }`,
      ].join('\n'),
    );
    return problems.length ? CHECK_FAILED : 0;
  });
