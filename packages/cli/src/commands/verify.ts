/** `verify`: is the database intact? The integrity checks `status` leaves out, and nothing else. */
import { CHECK_FAILED } from '../shared/exit-codes.js';
import { formatArchive, statusProblems, withStatus } from '../shared/show-status.js';
import type { CommandSpec } from './types.js';

export const verify: CommandSpec = {
  name: 'verify',
  summary: 'Check the database and its v1 archive for damage (the full integrity check)',
  description: `Check that the database is intact, without changing it: the storage's full integrity check (SQLite's PRAGMA integrity_check — every page, record and index entry; on PostgreSQL a full read of every table), the same check of the v1 archive if there is one, and the schema (up to date, not drifted, not newer than this runmeta). It reads the whole database: seconds for a million runs. \`runmeta status --check\` runs the same checks beside the status; \`runmeta status\` runs none of them.

Exit codes: 0 everything checked is sound; ${CHECK_FAILED} a check found a problem (the Result line lists them: an integrity check failed, the archive cannot be read, the database needs migration or is newer than this runmeta); 3 the database itself cannot be read (not SQLite, or damaged where opening reads).`,
  printsData: true,
  examples: [
    { command: 'runmeta verify', description: 'check metadata/runs.db and its archive' },
    { command: 'runmeta verify --json --db old/runs.db', description: 'as JSON, for scripts' },
  ],
  run: (ctx) =>
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
    }),
};
