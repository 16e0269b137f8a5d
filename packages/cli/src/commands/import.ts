/** `runmeta import`: copy a SQLite run database into another storage, typically PostgreSQL. */
import fs from 'node:fs';
import { importRunDatabase, type MigrationStrategy } from '@runmeta/core';
import { resolveDatabase } from '../context.js';
import { CliUsageError, userPathError } from '../errors.js';
import { interruptible } from '../interrupt.js';
import { confirm } from '../shared/confirm.js';
import type { CommandSpec } from './types.js';

export const importCommand: CommandSpec = {
  name: 'import',
  summary: 'Copy a SQLite run database (v1 or v2) into PostgreSQL, then migrate it there',
  description: `Copy every table of a SQLite run database, every column by name and every row in order, into the database given by --to (default --db): typically postgres://user:password@host:5432/database?schema=runs. The copy is built aside, its row counts are verified against the source, and only then is it moved into place; a v1 source is then migrated on the target exactly as on a file (archive: v1 kept as the <schema>_v1_archive schema; carry-over: also copied into v2). The source file is opened read-only and never changed. A failed import leaves the target without it.

Names are kept exactly; a name or value that would arrive changed (text whose bytes are not UTF-8; on PostgreSQL also a name over 63 bytes or text with a NUL character) is refused, naming the table, the column and the run, and nothing is imported.

Exit codes: 0 imported; 2 bad usage, or a name or value the target cannot keep; 3 the source is not a run database or is newer, or the target exists (pass --replace).`,
  printsData: true,
  options: [
    { flags: '--from <file>', description: 'SQLite run database to copy (never changed)' },
    {
      flags: '--to <database>',
      description: 'target: postgres://…?schema=<name> or a SQLite file (default: --db)',
    },
    {
      flags: '--strategy <name>',
      description:
        'for a v1 source: archive (v1 stays in the archive) or carry-over (copied into v2)',
      choices: ['archive', 'carry-over'],
      default: 'archive',
    },
    { flags: '--backfill', description: 'with carry-over: compute the v2 metrics v1 data allows' },
    { flags: '--replace', description: 'replace an existing target database (asks unless --yes)' },
    { flags: '--yes', description: 'do not ask for confirmation' },
  ],
  examples: [
    {
      command: 'runmeta import --from metadata/runs.db --to postgres://localhost/sims?schema=runs',
      description: 'copy a run database to a PostgreSQL server',
    },
    {
      command:
        'runmeta import --from old/runs.db --to "$RUNMETA_DB" --strategy carry-over --backfill',
      description: 'copy v1 runs into v2 on the way',
    },
  ],
  async run(ctx, _args, options) {
    if (!options.from)
      throw new CliUsageError('import needs --from <file>: the SQLite run database to copy');
    const fromPath = String(options.from);
    if (/^postgres(ql)?:\/\//i.test(fromPath)) {
      throw new CliUsageError('--from is a SQLite file; to copy between servers use pg_dump');
    }
    let source: fs.Stats | undefined;
    try {
      source = fs.statSync(fromPath, { throwIfNoEntry: false });
    } catch (error) {
      throw userPathError(error, '--from', 'cannot read', fromPath);
    }
    if (!source) throw new CliUsageError(`--from ${fromPath}: no such file`);
    if (!source.isFile()) throw new CliUsageError(`--from ${fromPath} is not a file`);
    const from = resolveDatabase(fromPath);
    const to = resolveDatabase(options.to ? String(options.to) : ctx.global.db);
    const strategy = options.strategy as MigrationStrategy;
    if (options.backfill && strategy !== 'carry-over') {
      throw new CliUsageError('--backfill needs --strategy carry-over');
    }
    if (options.replace) {
      await confirm(ctx, options.yes, `Replace ${to.display} with a copy of ${from.display}?`);
    }
    const progress = ctx.progress('import');
    let result: Awaited<ReturnType<typeof importRunDatabase>>;
    try {
      result = await interruptible(
        (signal) =>
          importRunDatabase({
            from: { adapter: from.adapter(), database: from.database },
            to: { adapter: to.adapter(), database: to.database },
            migration: { strategy, backfill: !!options.backfill },
            replace: !!options.replace,
            onProgress: (table, done, total) =>
              progress.update({ step: 'carry-over', table, done, total }),
            signal,
          }),
        // The import is the whole command: once it finished, it is reported as usual.
        () => null,
      );
    } finally {
      progress.done();
    }
    // Said whatever the output format: those runs are not on the target.
    if (result.sourceArchive) {
      ctx.warn(
        `${from.display} has a v1 archive, ${result.sourceArchive.path} (${result.sourceArchive.runs} runs), which was not imported; to bring its runs along, run \`runmeta --db ${from.display} migrate --carry-over-archive --yes\` and import again with --replace`,
      );
    }
    if (ctx.global.json) {
      ctx.json({ from: from.display, to: to.display, ...result });
      return 0;
    }
    const rows = result.copied.reduce((n, t) => n + t.rows, 0);
    const lines = [
      `Imported ${from.display} (${result.sourceKind}) into ${to.display}: ${result.copied.length} tables, ${rows} rows, counts verified.`,
      ...result.copied.map(
        (t) =>
          `  ${t.table.padEnd(24)} ${String(t.rows).padStart(8)}${t.widened.length ? `  widened ${t.widened.join('; ')}` : ''}`,
      ),
    ];
    const m = result.migration;
    if (m?.action === 'migrate') {
      lines.push(
        `Migrated to v2 (${m.strategy}): ${m.archivedRuns} v1 runs archived to ${m.archivePath}${m.runsCarried ? `, ${m.runsCarried} carried over` : ''}; integrity ${m.integrity}.`,
      );
    } else if (m?.action === 'repair') {
      lines.push(
        `Repaired to v2 (added ${m.addedColumns.join(', ') || 'tables and indexes'}); integrity ${m.integrity}.`,
      );
    }
    lines.push(`${result.runs} runs readable (active and archive).`);
    ctx.out(lines.join('\n'));
    return 0;
  },
};
