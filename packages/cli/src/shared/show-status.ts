/**
 * Printing a database's status: `runmeta status`, and the demo's first view.
 * The facts come from core's `readDatabaseStatus`; this only words them.
 */
import { findLeftovers, type MetadataManager, readDatabaseStatus } from '@runmeta/core';
import type { CliContext } from '../context.js';
import { describeError } from '../errors.js';
import { formatLeftover, leftoverJson } from '../output/leftovers.js';
import { CHECK_FAILED } from './exit-codes.js';

/** Print the status of `ctx`'s database; the exit code (0 up to date, else {@link CHECK_FAILED}). */
export async function showStatus(ctx: CliContext): Promise<number> {
  const database = ctx.location.database;
  // Leftovers are a side note: a location that cannot be read is reported by opening it.
  const leftovers = await findLeftovers(ctx.adapter(), database).catch(() => []);
  let manager: MetadataManager;
  try {
    manager = await ctx.open({ write: false });
  } catch (error) {
    // Killed between a migration's two renames: no runs.db, but the data is beside it.
    for (const leftover of leftovers) ctx.info(`left over: ${formatLeftover(leftover, database)}`);
    throw error;
  }
  try {
    const detection = manager.detection;
    // A damaged archive is reported, not fatal: status is the diagnostic tool.
    const status = await readDatabaseStatus(manager, {
      adapter: ctx.adapter(),
      describeError: (error) => describeError(error).message,
    });
    const { archive, upToDate } = status;
    const newer = detection.kind === 'newer';
    const report = { ...status, leftovers: leftovers.map((l) => leftoverJson(l, database)) };
    if (ctx.global.json) ctx.json(report);
    else {
      const c = ctx.color;
      ctx.out(
        [
          `${c.bold('Database')}       ${report.path}`,
          `Schema version ${report.schemaVersion ?? '—'} (${report.kind})`,
          `Runs columns   ${report.runsColumns}`,
          `Runs           ${report.runs} (${
            Object.entries(report.runsByStatus)
              .map(([s, n]) => `${s} ${n}`)
              .join(', ') || 'none'
          })`,
          `Archive        ${archive ? (archive.error ? (archive.error.startsWith(archive.path) ? ctx.color.red(archive.error) : `${archive.path}: ${ctx.color.red(archive.error)}`) : `${archive.path} (schema ${archive.schemaVersion}, ${archive.runs} runs)`) : 'none'}`,
          `Integrity      ${report.integrity === 'ok' ? c.green('ok') : c.red(report.integrity)}`,
          upToDate
            ? report.integrity !== 'ok'
              ? `State          ${c.red('the integrity check failed')} (see Integrity)`
              : archive?.error
                ? `State          ${c.red('the v1 archive cannot be read')} — restore ${archive.path} from a backup, or move it away`
                : `State          ${c.green('up to date')}`
            : newer
              ? `State          ${c.yellow(`newer than this runmeta (schema ${detection.version}); left unchanged — upgrade runmeta to write to it`)}`
              : `State          ${c.yellow('needs migration')}${detection.missingColumns.length ? ` — missing columns: ${detection.missingColumns.join(', ')}` : ''}${detection.missingTables.length ? ` — missing tables: ${detection.missingTables.join(', ')}` : ''}${detection.missingIndexes.length ? ` — missing indexes: ${detection.missingIndexes.length}` : ''}`,
          ...leftovers.map(
            (l, i) =>
              `${i === 0 ? 'Left over     ' : '              '} ${formatLeftover(l, database)}`,
          ),
        ].join('\n'),
      );
      if (!upToDate && !newer) ctx.info('Run `runmeta migrate --dry-run` to see the plan.');
    }
    return upToDate && report.integrity === 'ok' && !archive?.error ? 0 : CHECK_FAILED;
  } finally {
    await manager.close();
  }
}
