/** Commands about the database itself: status, migrate, rollback. */
import { createInterface } from 'node:readline/promises';
import {
  describeChanges,
  findLeftovers,
  formatPlan,
  isUpToDate,
  MetadataManager as Manager,
  type MetadataManager,
  type MigrationStrategy,
  NewerSchemaError,
  NotADatabaseError,
  RUN_STATUSES,
  unreadableArchive,
} from '@runmeta/core';
import type { CliContext } from '../context.js';
import { CliUsageError, describeError } from '../errors.js';
import { formatLeftover, leftoverJson } from '../output/leftovers.js';
import { carryOverArchiveCommand, suggestCarryOverArchive } from './carry-over-archive.js';
import type { CommandSpec } from './types.js';

/** Exit code of checks that found a problem (status drift, budget overruns). */
export const CHECK_FAILED = 4;

/** Ask before a destructive step: --yes, or a y/N prompt on a terminal; never a prompt in a pipe. */
export async function confirm(ctx: CliContext, yes: unknown, question: string): Promise<void> {
  if (yes) return;
  if (!ctx.streams.stdinIsTTY) {
    throw new CliUsageError(
      `${question} — pass --yes to confirm (stdin is not a terminal, so runmeta does not ask)`,
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(`${question} [y/N] `);
  rl.close();
  if (!/^y(es)?$/i.test(answer.trim())) throw new CliUsageError('cancelled; nothing was changed');
}

async function count(manager: MetadataManager): Promise<number> {
  const [row] = await manager.query('SELECT count(*) AS n FROM runs');
  return Number(row?.n ?? 0);
}

export const status: CommandSpec = {
  name: 'status',
  summary: 'Schema version, runs-table columns, run counts, archive and integrity',
  description: `Show what the database is, without changing it: schema version, number of runs-table columns, runs by status, the v1 archive (if any) and the integrity check (SQLite's PRAGMA integrity_check; on PostgreSQL a full read of every table). It also reports drift from the expected v2 schema (missing columns, tables or indexes).

Exit codes: 0 up to date; ${CHECK_FAILED} the database needs migration, has drifted or is newer than this runmeta, its integrity check failed, or its v1 archive cannot be read (the State line says which); 3 the database itself cannot be read.`,
  printsData: true,
  examples: [
    { command: 'runmeta status', description: 'status of metadata/runs.db' },
    { command: 'runmeta status --json --db old/runs.db', description: 'as JSON, for scripts' },
  ],
  async run(ctx) {
    const database = ctx.location.database;
    // Leftovers are a side note: a location that cannot be read is reported by opening it.
    const leftovers = await findLeftovers(ctx.adapter(), database).catch(() => []);
    let manager: MetadataManager;
    try {
      manager = await ctx.open({ write: false });
    } catch (error) {
      // Killed between a migration's two renames: no runs.db, but the data is beside it.
      for (const leftover of leftovers)
        ctx.info(`left over: ${formatLeftover(leftover, database)}`);
      throw error;
    }
    try {
      const detection = manager.detection;
      // Statuses counted as reads decode them: a stored `FAILED` is failed.
      const known = RUN_STATUSES.map(() => '?').join(', ');
      // A legacy runs table may lack the column: its runs have no status.
      const status = detection.runsColumns.some((c) => c.toLowerCase() === 'status')
        ? 'status'
        : 'NULL';
      const byStatus = await manager.query(
        `SELECT CASE WHEN lower(trim(${status})) IN (${known}) THEN lower(trim(${status})) ELSE ${status} END AS status, count(*) AS n FROM runs GROUP BY 1 ORDER BY 1`,
        RUN_STATUSES,
      );
      const integrity = await manager.checkIntegrity();
      const archiveName = await manager.archiveName();
      let archive: {
        path: string;
        schemaVersion: string | null;
        runs: number | null;
        error?: string;
      } | null = null;
      if (archiveName) {
        const archivePath = ctx.adapter().describe(archiveName);
        // A damaged archive is reported, not fatal: status is the diagnostic tool.
        try {
          const old = await Manager.open({
            adapter: ctx.adapter(),
            database: archiveName,
            readOnly: true,
          });
          try {
            archive = {
              path: archivePath,
              schemaVersion: old.detection.version ?? '1.0',
              runs: await count(old),
            };
          } finally {
            await old.close();
          }
        } catch (error) {
          const { message } = describeError(
            unreadableArchive(error, archivePath, ctx.adapter().describe(manager.database)),
          );
          archive = { path: archivePath, schemaVersion: null, runs: null, error: message };
        }
      }
      const upToDate = isUpToDate(detection);
      // A newer file is measured against a schema older than its own: what it
      // "lacks" of v2 says nothing, and it is not changed, so no drift is reported.
      const newer = detection.kind === 'newer';
      const report = {
        path: ctx.adapter().describe(manager.database),
        schemaVersion: detection.version,
        kind: detection.kind,
        runsColumns: detection.runsColumns.length,
        runs: await count(manager),
        runsByStatus: Object.fromEntries(byStatus.map((r) => [String(r.status), Number(r.n)])),
        archive,
        integrity,
        upToDate,
        drift: {
          missingColumns: newer ? [] : detection.missingColumns,
          missingTables: newer ? [] : detection.missingTables,
          missingIndexes: newer ? [] : detection.missingIndexes,
          additionalColumns: newer ? [] : detection.additionalColumns,
        },
        leftovers: leftovers.map((l) => leftoverJson(l, database)),
      };
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
  },
};

export const migrate: CommandSpec = {
  name: 'migrate',
  summary: 'Migrate a v1 database to v2 (or repair a v2 one), safely',
  description:
    'Plan and run the v1 → v2 migration of SPEC §4: checkpoint, build v2 aside, (carry-over: copy every run and child row), record history, move v1 to runs_v1_archive.db (never overwriting), move v2 into place, verify. With --dry-run, print the plan and change nothing.\n\nAfter a migration with the archive strategy, --carry-over-archive copies the archived runs and their child rows into the active v2 database later (schema_version 1.0, v2 fields null or, with --backfill, computed), skipping runs it already holds (the active copy wins), in one verified transaction recorded in runmeta_migrations; the archive itself stays unchanged. A second run carries nothing.',
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

export const rollback: CommandSpec = {
  name: 'rollback',
  summary: 'Restore the v1 archive as runs.db, keeping v2 as runs_v2_backup.db',
  description:
    'Undo a migration: the current v2 database is kept as runs_v2_backup.db (never overwritten) and the v1 archive is restored to runs.db. Everything written since the migration then exists only in the backup, and a warning counts it by kind: runs started since, carried-over runs changed since (closed, completed, summarised), carried-over runs with v2 metrics (backfill), child rows added to carried-over runs, columns added. --json reports the counts as `changes`. Requires --yes (or a y at the prompt on a terminal).',
  printsData: true,
  options: [{ flags: '--yes', description: 'do not ask for confirmation' }],
  examples: [{ command: 'runmeta rollback --yes', description: 'roll back without a prompt' }],
  async run(ctx, _args, options) {
    await confirm(
      ctx,
      options.yes,
      `Replace ${ctx.location.display} with its v1 archive (v2 kept as a backup)?`,
    );
    const result = await Manager.rollback({
      adapter: ctx.adapter(),
      database: ctx.location.database,
      confirm: true,
    });
    if (ctx.global.json) ctx.json(result);
    else {
      ctx.out(
        `Restored ${result.restoredFrom} to ${ctx.location.display}; v2 database kept as ${result.backupPath}.`,
      );
      if (describeChanges(result.changes)) ctx.warn(result.warning);
    }
    return 0;
  },
};
