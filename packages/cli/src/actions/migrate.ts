/** The work of `migrate`: plan and run the v1 → v2 migration (or a repair), or carry the archive over. */

import {
  findLeftovers,
  formatPlan,
  MetadataManager as Manager,
  type MigrationStrategy,
  NewerSchemaError,
  NotADatabaseError,
} from '@runmeta/core';
import type { CommandRun } from '../commands/types.js';
import { formatLeftover, leftoverJson } from '../output/leftovers.js';
import { carryOverArchiveCommand, suggestCarryOverArchive } from '../shared/carry-over-archive.js';
import { confirm } from '../shared/confirm.js';
import { CliUsageError } from '../usage-error.js';

/** Runs `migrate`, as declared (options, help) in `commands/migrate.ts`. */
export const run: CommandRun = async (ctx, _args, options) => {
  if (options.carryOverArchive) return carryOverArchiveCommand(ctx, options);
  const migration = {
    strategy: options.strategy as MigrationStrategy,
    backfill: !!options.backfill,
  };
  if (options.backfill && migration.strategy !== 'carry-over') {
    throw new CliUsageError('--backfill needs --strategy carry-over');
  }
  const plan = await Manager.plan({
    adapter: ctx.adapter(),
    database: ctx.location.database,
    migration,
  });
  const summary = (
    dryRun: boolean,
    result?: Awaited<ReturnType<typeof Manager.open>>['migration'],
  ) => ({
    strategy: plan.strategy,
    from: plan.detection.version,
    to: plan.action === 'refuse' ? null : '2.0',
    archivePath:
      result?.archivePath ?? (plan.archiveName ? ctx.adapter().describe(plan.archiveName) : null),
    runsCarried: result?.runsCarried ?? 0,
    dryRun,
    action: plan.action,
    steps: plan.steps.map((s) => ({ kind: s.kind, description: s.description, sql: s.sql })),
  });
  if (plan.action === 'refuse') {
    const location = ctx.adapter().describe(ctx.location.database);
    throw plan.detection.kind === 'newer'
      ? new NewerSchemaError(location, plan.detection.version ?? '?', '2.0')
      : new NotADatabaseError(location, plan.refusal ?? 'cannot be migrated');
  }
  // Asking for carry-over on a database that is v2 already copies nothing.
  const v2CarryOver = migration.strategy === 'carry-over' && plan.action !== 'migrate';
  if (options.dryRun || plan.action === 'none') {
    const database = ctx.location.database;
    const leftovers = await findLeftovers(ctx.adapter(), database).catch(() => []);
    if (ctx.global.json) {
      ctx.json({
        ...summary(!!options.dryRun),
        leftovers: leftovers.map((l) => leftoverJson(l, database)),
      });
    } else {
      ctx.out(
        [
          formatPlan(plan),
          ...(leftovers.length
            ? ['Left over by interrupted work (dealt with before the plan runs):']
            : []),
          ...leftovers.map((l) => `  ${formatLeftover(l, database)}`),
        ].join('\n'),
      );
    }
    if (v2CarryOver) await suggestCarryOverArchive(ctx);
    return 0;
  }
  await confirm(
    ctx,
    options.yes,
    `${plan.action === 'create' ? 'Create' : plan.action === 'repair' ? 'Repair' : 'Migrate'} ${ctx.location.display}?`,
  );
  // migrate reports the result itself, on stdout.
  const manager = await ctx.open({
    write: true,
    announce: false,
    onlyMigrating: true,
    migration,
  });
  try {
    const result = manager.migration;
    if (ctx.global.json) ctx.json(summary(false, result));
    else {
      ctx.out(
        result?.action === 'migrate'
          ? `Migrated ${ctx.location.display} to v2 (${result.strategy}): ${result.archivedRuns} v1 runs archived to ${result.archivePath}${result.runsCarried ? `, ${result.runsCarried} carried over` : ''}; integrity ${result.integrity}.`
          : result
            ? `${result.action === 'create' ? 'Created' : 'Repaired'} ${ctx.location.display}${result.addedColumns.length ? ` (added ${result.addedColumns.join(', ')})` : ''}; integrity ${result.integrity}.`
            : `${ctx.location.display} is up to date.`,
      );
    }
    if (v2CarryOver) await suggestCarryOverArchive(ctx);
    return 0;
  } finally {
    await manager.close();
  }
};
