/**
 * Printing a database's status: `runmeta status` (with `--check`), `runmeta
 * verify`, and the demo's first view. The facts come from core's
 * `readDatabaseStatus`; this only opens, words them and picks the exit code.
 */
import {
  type DatabaseStatus,
  findLeftovers,
  type MetadataManager,
  readDatabaseStatus,
} from '@runmeta/core';
import type { CliContext } from '../context.js';
import { describeError } from '../errors.js';
import { formatLeftover, leftoverJson } from '../output/leftovers.js';
import { CHECK_FAILED } from './exit-codes.js';

/** What `status` says in place of the integrity check it did not run. */
export const INTEGRITY_NOT_CHECKED = 'not checked (runmeta status --check, or runmeta verify)';

/** A status as the CLI prints it: core's, plus what interrupted work left beside the file. */
export type CliStatus = DatabaseStatus & { leftovers: ReturnType<typeof leftoverJson>[] };

/**
 * Open `ctx`'s database read-only, read its status (with the integrity checks
 * of the database and its archive when `check`), and hand it to `show` with
 * the leftovers of interrupted work in words, one line each. The leftovers are
 * listed even when the database cannot be opened, before the error.
 */
export async function withStatus<T>(
  ctx: CliContext,
  check: boolean,
  show: (status: CliStatus, leftoverLines: string[]) => T,
): Promise<T> {
  const database = ctx.location.database;
  // Leftovers are a side note: a location that cannot be read is reported by opening it.
  const leftovers = await findLeftovers(ctx.adapter(), database).catch(() => []);
  // Without the check, status reads only the catalog and the status index: mapped,
  // a fresh process reads that index about three times faster. The check reads
  // every page, which mapped would all count as this process's memory.
  const adapter = ctx.location.adapter({ mapReadOnly: !check });
  let manager: MetadataManager;
  try {
    manager = await ctx.open({ write: false, adapter });
  } catch (error) {
    // Killed between a migration's two renames: no runs.db, but the data is beside it.
    for (const leftover of leftovers) ctx.info(`left over: ${formatLeftover(leftover, database)}`);
    throw error;
  }
  try {
    // The check reads every page: on a big file that takes a while, so say why.
    if (check && ctx.streams.stderr.isTTY) {
      ctx.info(`Checking the integrity of ${ctx.location.display} (reads the whole database)…`);
    }
    // A damaged archive is reported, not fatal: status is the diagnostic tool.
    const status = await readDatabaseStatus(manager, {
      adapter,
      describeError: (error) => describeError(error).message,
      checkIntegrity: check,
    });
    return show(
      { ...status, leftovers: leftovers.map((l) => leftoverJson(l, database)) },
      leftovers.map((l) => formatLeftover(l, database)),
    );
  } finally {
    await manager.close();
  }
}

/**
 * What is wrong with a status, in a few words each (empty: nothing). Any entry
 * makes `status` and `verify` exit {@link CHECK_FAILED}; checks that were not
 * run (integrity without `--check`) find nothing.
 */
export function statusProblems(status: DatabaseStatus): string[] {
  const problems: string[] = [];
  if (status.kind === 'newer') {
    problems.push(`newer than this runmeta (schema ${status.schemaVersion})`);
  } else if (!status.upToDate) {
    problems.push('needs migration');
  }
  if (status.integrity !== null && status.integrity !== 'ok') {
    problems.push('the integrity check failed');
  }
  if (status.archive?.error) problems.push('the v1 archive cannot be read');
  else if (status.archive?.integrity !== undefined && status.archive.integrity !== 'ok') {
    problems.push("the v1 archive's integrity check failed");
  }
  return problems;
}

/** Print the status of `ctx`'s database; the exit code (0 up to date, else {@link CHECK_FAILED}). */
export async function showStatus(
  ctx: CliContext,
  options: { check?: boolean } = {},
): Promise<number> {
  return withStatus(ctx, !!options.check, (report, leftoverLines) => {
    const { archive, upToDate } = report;
    const problems = statusProblems(report);
    if (ctx.global.json) {
      ctx.json(report);
      return problems.length ? CHECK_FAILED : 0;
    }
    const c = ctx.color;
    const newer = report.kind === 'newer';
    const integrityFailed = report.integrity !== null && report.integrity !== 'ok';
    const archiveFailed = archive?.integrity !== undefined && archive.integrity !== 'ok';
    const { drift } = report;
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
        `Archive        ${formatArchive(ctx, report)}`,
        `Integrity      ${
          report.integrity === null
            ? c.dim(INTEGRITY_NOT_CHECKED)
            : report.integrity === 'ok'
              ? c.green('ok')
              : c.red(report.integrity)
        }`,
        upToDate
          ? integrityFailed
            ? `State          ${c.red('the integrity check failed')} (see Integrity)`
            : archive?.error
              ? `State          ${c.red('the v1 archive cannot be read')} — restore ${archive.path} from a backup, or move it away`
              : archiveFailed
                ? `State          ${c.red("the v1 archive's integrity check failed")} (see Archive) — restore ${archive.path} from a backup`
                : `State          ${c.green('up to date')}`
          : newer
            ? `State          ${c.yellow(`newer than this runmeta (schema ${report.schemaVersion}); left unchanged — upgrade runmeta to write to it`)}`
            : `State          ${c.yellow('needs migration')}${drift.missingColumns.length ? ` — missing columns: ${drift.missingColumns.join(', ')}` : ''}${drift.missingTables.length ? ` — missing tables: ${drift.missingTables.join(', ')}` : ''}${drift.missingIndexes.length ? ` — missing indexes: ${drift.missingIndexes.length}` : ''}`,
        ...leftoverLines.map(
          (line, i) => `${i === 0 ? 'Left over     ' : '              '} ${line}`,
        ),
      ].join('\n'),
    );
    if (!upToDate && !newer) ctx.info('Run `runmeta migrate --dry-run` to see the plan.');
    return problems.length ? CHECK_FAILED : 0;
  });
}

/** The Archive line's value: none, the archive and its runs (and integrity), or why it cannot be read. */
export function formatArchive(ctx: CliContext, status: DatabaseStatus): string {
  const { archive } = status;
  const c = ctx.color;
  if (!archive) return 'none';
  if (archive.error) {
    return archive.error.startsWith(archive.path)
      ? c.red(archive.error)
      : `${archive.path}: ${c.red(archive.error)}`;
  }
  const integrity =
    archive.integrity === undefined
      ? ''
      : `, integrity ${archive.integrity === 'ok' ? c.green('ok') : c.red(archive.integrity)}`;
  return `${archive.path} (schema ${archive.schemaVersion}, ${archive.runs} runs${integrity})`;
}
