/**
 * The work of `runmeta import`: load a dump (JSON lines) into a database, or copy
 * a SQLite run database into another storage, typically PostgreSQL.
 */

import fs from 'node:fs';
import { importRunDatabase, type MigrationStrategy } from '@runmeta/core';
import type { CommandRun } from '../commands/types.js';
import { resolveDatabase } from '../context.js';
import { userPathError } from '../errors.js';
import { interruptible } from '../interrupt.js';
import { confirm } from '../shared/confirm.js';
import { CliUsageError } from '../usage-error.js';
import { importDump, isDump } from './import-dump.js';

/** Runs `import`, as declared (options, help) in `commands/import.ts`. */
export const run: CommandRun = async (ctx, _args, options) => {
  if (!options.from)
    throw new CliUsageError('import needs --from <file>: the SQLite run database to copy');
  const fromPath = String(options.from);
  if (/^postgres(ql)?:\/\//i.test(fromPath)) {
    throw new CliUsageError('--from is a SQLite file; to copy between servers use pg_dump');
  }
  if (fromPath === '-') return importDump(ctx, fromPath, options);
  let source: fs.Stats | undefined;
  try {
    source = fs.statSync(fromPath, { throwIfNoEntry: false });
  } catch (error) {
    throw userPathError(error, '--from', 'cannot read', fromPath);
  }
  if (!source) throw new CliUsageError(`--from ${fromPath}: no such file`);
  if (!source.isFile()) throw new CliUsageError(`--from ${fromPath} is not a file`);
  if (isDump(fromPath)) return importDump(ctx, fromPath, options);
  for (const flag of ['skipExisting', 'dryRun'] as const) {
    if (!options[flag]) continue;
    const name = flag === 'dryRun' ? '--dry-run' : '--skip-existing';
    throw new CliUsageError(
      `${name} is for a dump (JSON lines), and --from ${fromPath} is a SQLite file; its copy replaces the target (--replace) or goes to a new one`,
    );
  }
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
};
