/** `migrate`: plan and run the v1 → v2 migration (or a repair), or carry the archive over. */
import {
  findLeftovers,
  formatPlan,
  MetadataManager as Manager,
  type MigrationStrategy,
  NewerSchemaError,
  NotADatabaseError,
} from '@runmeta/core';
import { CliUsageError } from '../errors.js';
import { formatLeftover, leftoverJson } from '../output/leftovers.js';
import { carryOverArchiveCommand, suggestCarryOverArchive } from '../shared/carry-over-archive.js';
import { confirm } from '../shared/confirm.js';
import type { CommandSpec } from './types.js';

export const migrate: CommandSpec = {
  name: 'migrate',
  summary: 'Migrate a v1 database to v2 (or repair a v2 one), safely',
  description:
    'Plan and run the v1 → v2 migration: checkpoint, build v2 aside, (carry-over: copy every run and child row), record history, move v1 to runs_v1_archive.db (never overwriting), move v2 into place, verify. With --dry-run, print the plan and change nothing.\n\nAfter a migration with the archive strategy, --carry-over-archive copies the archived runs and their child rows into the active v2 database later (schema_version 1.0, v2 fields null or, with --backfill, computed), skipping runs it already holds (the active copy wins), in one verified transaction recorded in runmeta_migrations; the archive itself stays unchanged. A second run carries nothing.',
  printsData: true,
  options: [
    {
      flags: '--dry-run',
      description: 'print the plan (steps, file moves, SQL) and change nothing',
    },
    {
      flags: '--strategy <name>',
      description: 'archive: v1 runs stay in the archive; carry-over: also copy them into v2',
      choices: ['archive', 'carry-over'],
      default: 'archive',
    },
    {
      flags: '--backfill',
      description: 'with carry-over or --carry-over-archive: compute the v2 metrics v1 data allows',
    },
    {
      flags: '--carry-over-archive',
      description:
        'after an archive migration: copy the archived runs into the active database (runs already there are kept)',
    },
    { flags: '--yes', description: 'do not ask for confirmation' },
  ],
  examples: [
    { command: 'runmeta migrate --dry-run', description: 'show what would happen' },
    {
      command: 'runmeta migrate --strategy carry-over --backfill --yes',
      description: 'copy v1 runs into v2',
    },
    {
      command: 'runmeta migrate --carry-over-archive --yes',
      description: 'later: copy the archived v1 runs into v2 too',
    },
  ],
  async run(ctx, _args, options) {
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
  },
};
