/**
 * `runmeta migrate --carry-over-archive`: after a migration with the archive
 * strategy, copy the archived runs into the active database so they can be
 * written to again (closed, completed, recorded on). See
 * `MetadataManager.carryOverArchive` for the rules. A mode of `migrate`, kept
 * out of `commands/` so that folder holds one file per command.
 */
import {
  type CarryOverArchiveProgress,
  type CarryOverArchiveResult,
  MetadataManager as Manager,
  NeedsMigrationError,
  NewerSchemaError,
  NotADatabaseError,
} from '@runmeta/core';
import { CARRY_OVER_ARCHIVE, CARRY_OVER_FIRST } from '../carry-over-words.js';
import type { CliContext } from '../context.js';
import { interruptible } from '../interrupt.js';
import { CliUsageError } from '../usage-error.js';
import { confirm } from './confirm.js';

/** Run `migrate --carry-over-archive [--backfill] [--dry-run] [--yes]`; the exit code. */
export async function carryOverArchiveCommand(
  ctx: CliContext,
  options: Record<string, unknown>,
): Promise<number> {
  if (options.strategy === 'carry-over') {
    throw new CliUsageError(
      `--carry-over-archive carries the archive of a migrated database; it does not combine with --strategy (on a v1 file, run \`${CARRY_OVER_FIRST}\` alone)`,
    );
  }
  const location = ctx.location;
  const plan = await Manager.plan({ adapter: ctx.adapter(), database: location.database });
  if (plan.action === 'migrate') {
    throw new NeedsMigrationError(
      location.display,
      'it is schema v1, so its runs are not archived yet; nothing was carried',
      { hint: `Run \`${CARRY_OVER_FIRST}\`: it copies the v1 runs into v2 directly` },
    );
  }
  if (plan.action === 'refuse') {
    throw plan.detection.kind === 'newer'
      ? new NewerSchemaError(location.display, plan.detection.version ?? '?', '2.0')
      : new NotADatabaseError(location.display, plan.refusal ?? 'is not a run database');
  }
  if (plan.action === 'create') throw new NotADatabaseError(location.display, 'does not exist');
  if (plan.detection.missingTables.length) {
    throw new NeedsMigrationError(
      location.display,
      `it lacks the table(s) ${plan.detection.missingTables.join(', ')}; nothing was carried`,
      { hint: 'Run `runmeta migrate --yes` first to repair it, then retry' },
    );
  }
  const request = {
    adapter: ctx.adapter(),
    database: location.database,
    backfill: !!options.backfill,
  };
  const progress = ctx.progress('carry-over-archive');
  // Both passes read the whole archive page by page: a signal stops either at its
  // next page, and the carry itself rolls back, leaving runs.db as it was.
  const carry = (dryRun: boolean, late: (result: CarryOverArchiveResult) => string | null) =>
    interruptible(
      (signal) =>
        Manager.carryOverArchive({
          ...request,
          dryRun,
          signal,
          onProgress: (p: CarryOverArchiveProgress) => progress.update(p),
        }),
      late,
    ).finally(() => progress.done());
  // A signal at the very end of the survey still stops the command: the carry is next.
  const survey = await carry(
    true,
    () => `interrupted; ${location.display} unchanged (nothing was carried over)`,
  );
  const report = (result: CarryOverArchiveResult, text: string) => {
    if (ctx.global.json) ctx.json(result);
    else ctx.out(text);
    return 0;
  };
  if (!survey.archivePath)
    return report(survey, `No v1 archive next to ${location.display}; nothing to carry over.`);
  if (survey.runsCarried === 0) return report(survey, nothingToCarry(survey, location.display));
  if (options.dryRun) return report(survey, describeSurvey(survey, location.display));
  await confirm(
    ctx,
    options.yes,
    `Carry ${survey.runsCarried} archived run(s) from ${survey.archivePath} into ${location.display}?`,
  );
  // Once the carry is committed it is complete: a late signal changes nothing.
  const result = await carry(false, () => null);
  if (result.runsCarried === 0) return report(result, nothingToCarry(result, location.display));
  const children = Object.entries(result.rowsCarried)
    .filter(([table]) => table !== 'runs')
    .map(([table, rows]) => `${table} ${rows}`)
    .join(', ');
  return report(
    result,
    `Carried ${result.runsCarried} archived run(s) from ${result.archivePath} into ${location.display} (child rows: ${children || 'none'})${result.runsSkipped ? `; ${result.runsSkipped} already there were skipped (the active copy wins)` : ''}${result.backfill ? '; v2 metrics backfilled' : ''}; integrity ${result.integrity}. The archive is unchanged.`,
  );
}

function nothingToCarry(result: CarryOverArchiveResult, display: string): string {
  return `Nothing to carry over: all ${result.archiveRuns} run(s) of ${result.archivePath} are already in ${display}.`;
}

function describeSurvey(survey: CarryOverArchiveResult, display: string): string {
  const lines = [
    `Carry over the v1 archive ${survey.archivePath} into ${display} (dry run: nothing was changed):`,
    `  ${survey.runsCarried} run(s) to carry${survey.runsSkipped ? `, ${survey.runsSkipped} already in ${display} (skipped: the active copy wins)` : ''}; schema_version '1.0', v2 fields ${survey.backfill ? 'backfilled' : 'null'}`,
    ...Object.entries(survey.rowsCarried)
      .filter(([table]) => table !== 'runs')
      .map(
        ([table, rows]) =>
          `  ${table}: ${rows} row(s)${rows ? (survey.childIds[table] === 'kept' ? ', archived ids kept' : survey.legacyIds[table] ? `, new ids in archive order (archived ids are not distinct integers; kept in ${survey.legacyIds[table]})` : ', new ids (archived ids are taken), in archive order') : ''}${survey.orphanRows[table] ? `; ${survey.orphanRows[table]} orphan row(s) stay in the archive` : ''}`,
      ),
    ...(survey.addedColumns.length
      ? [`  columns added to keep every source column: ${survey.addedColumns.join(', ')}`]
      : []),
    '  SQL (one transaction, verified by row counts and an integrity check):',
    ...survey.sql.map((sql) => `    ${sql.replace(/\s+/g, ' ')}`),
  ];
  return lines.join('\n');
}

/**
 * `migrate --strategy carry-over` on a database that is v2 already has nothing to
 * copy; when its archive still holds runs the active database lacks, say how to
 * carry them over (on stderr, so `--json` output stays as it is).
 */
export async function suggestCarryOverArchive(ctx: CliContext): Promise<void> {
  const survey = await Manager.carryOverArchive({
    adapter: ctx.adapter(),
    database: ctx.location.database,
    dryRun: true,
  });
  if (!survey.archivePath || survey.runsCarried === 0) return;
  ctx.info(
    `${ctx.location.display} is v2 already, so --strategy carry-over has nothing to copy; its v1 archive ${survey.archivePath} holds ${survey.runsCarried} run(s) it lacks: carry them over with \`${CARRY_OVER_ARCHIVE}\``,
  );
}
