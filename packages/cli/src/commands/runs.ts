/** The `runs` command group: list, show and close runs. */
import {
  exportFields,
  type RunFilter,
  type RunMetadata,
  TEMPORAL_MODES,
  timeKey,
  WHERE_LIMITS,
} from '@runmeta/core';
import {
  archivedStaleLine,
  CARRY_OVER_ARCHIVE,
  CARRY_OVER_FIRST,
  refuseClosingInV1,
} from '../archive-words.js';
import { CliUsageError } from '../errors.js';
import { complianceStyle, complianceText } from '../output/cells.js';
import { csvHeader, csvRow, runJson } from '../output/records.js';
import { renderChildRecords } from '../output/run-detail.js';
import { createTableWriter, type TableColumn } from '../output/table.js';
import { duration, formatDuration, wholeNumber } from './options.js';
import type { CommandSpec } from './types.js';

/** A stored creation time as `YYYY-MM-DD HH:MM:SS` in UTC; text that is no time as it is. */
function createdUtc(stored: string | null | undefined): string | null {
  if (!stored) return null;
  const key = timeKey(stored);
  return key ? key.slice(0, 19).replace('T', ' ') : stored;
}

/** Rows per chunk of a streamed table. */
const TABLE_BATCH = 1000;

const SORTS = ['oldest', 'newest', 'cost', 'tokens', 'compliance'] as const;

const sorters: Record<(typeof SORTS)[number], ((a: RunMetadata, b: RunMetadata) => number) | null> =
  {
    oldest: null,
    newest: null,
    cost: (a, b) => (b.costUsd ?? 0) - (a.costUsd ?? 0),
    tokens: (a, b) => (b.tokensUsed ?? 0) - (a.tokensUsed ?? 0),
    compliance: (a, b) => (b.tokenBudgetCompliance ?? -1) - (a.tokenBudgetCompliance ?? -1),
  };

const list: CommandSpec = {
  name: 'list',
  summary: 'List runs, oldest first, with filters',
  description: `List runs. Filters combine with AND. --where takes a small filter language: comparisons (= != < <= > >=), and/or/not, parentheses, in (...), like '...', is [not] null, over run columns (cost_usd or costUsd) and fidelity levels (fidelity.dialog >= 2). A filter holds at most ${WHERE_LIMITS.conditions} conditions, ${WHERE_LIMITS.depth} levels of parentheses and not, ${WHERE_LIMITS.values} values in its in (...) lists and ${WHERE_LIMITS.length} characters; a like pattern at most ${WHERE_LIMITS.patternLength} characters.`,
  printsData: true,
  options: [
    { flags: '--template <id>', description: 'only this template' },
    {
      flags: '--status <status>',
      description: 'only this status',
      choices: ['running', 'completed', 'failed'],
    },
    { flags: '--mode <mode>', description: 'only this causal mode', choices: TEMPORAL_MODES },
    {
      flags: '--since <time>',
      description:
        'created at or after this ISO-8601 time (2025-11-01, 2025-11-01T12:00:00, …+02:00); a time without a zone is UTC',
    },
    {
      flags: '--until <time>',
      description: 'created before this ISO-8601 time (UTC when no zone)',
    },
    {
      flags: '--where <filter>',
      description: 'filter expression, e.g. "status = \'failed\' and cost_usd > 0.5"',
    },
    {
      flags: '--sort <order>',
      description: 'order of the list',
      choices: SORTS,
      default: 'oldest',
    },
    { flags: '--limit <n>', description: 'at most n runs (after sorting)', value: wholeNumber(0) },
    {
      flags: '--include-archive',
      description: 'also list runs of the v1 archive (each says its source)',
    },
    {
      flags: '--format <format>',
      description: 'output format',
      choices: ['table', 'json', 'jsonl', 'csv'],
      default: 'table',
    },
  ],
  examples: [
    {
      command: 'runmeta runs list --status failed --include-archive',
      description: 'failed runs, old and new',
    },
    {
      command: 'runmeta runs list --where "fidelity.dialog >= 2 and token_budget_compliance > 1"',
      description: 'dialog-heavy runs over budget',
    },
    {
      command: 'runmeta runs list --sort newest --limit 5 --format csv',
      description: 'latest five as CSV',
    },
  ],
  async run(ctx, _args, options) {
    const limit = options.limit as number | undefined;
    const sort = options.sort as (typeof SORTS)[number];
    const filter: RunFilter = {
      templateId: options.template as string | undefined,
      status: options.status as RunFilter['status'],
      causalMode: options.mode as RunFilter['causalMode'],
      since: options.since as string | undefined,
      until: options.until as string | undefined,
      where: options.where as string | undefined,
      includeArchive: !!options.includeArchive,
      order: sort === 'newest' ? 'newest-first' : 'oldest-first',
      // In time order the database applies the limit; other orders sort here first.
      ...(sorters[sort] ? {} : { limit }),
    };
    const manager = await ctx.open({ write: false });
    try {
      let runs = await manager.getAllRuns(filter);
      const sorter = sorters[sort];
      if (sorter) runs = [...runs].sort(sorter);
      if (limit !== undefined) runs = runs.slice(0, limit);
      const format = ctx.global.json ? 'json' : (options.format as string);
      if (format === 'json')
        ctx.json(runs.map((r) => ({ ...runJson(r), source: r.source ?? 'active' })));
      else if (format === 'jsonl')
        for (const r of runs)
          ctx.out(JSON.stringify({ ...runJson(r), source: r.source ?? 'active' }));
      else if (format === 'csv') {
        const fields = exportFields(
          await manager.runsColumns({ includeArchive: filter.includeArchive }),
          { source: true },
        );
        ctx.data(csvHeader(fields));
        for (const r of runs) ctx.data(csvRow(r, fields));
      } else {
        const c = ctx.color;
        const columns: TableColumn<RunMetadata>[] = [
          { header: 'run_id', value: (r) => r.runId, min: 6, whole: true },
          { header: 'template', value: (r) => r.templateId, max: 32 },
          { header: 'mode', value: (r) => r.causalMode, min: 11, max: 16 },
          {
            header: 'status',
            value: (r) => r.status,
            min: 9,
            max: 16,
            style: (text, r) =>
              r.status === 'failed' ? c.red(text) : r.status === 'running' ? c.yellow(text) : text,
          },
          {
            // The instant in UTC, as runs are ordered and filtered (`schema/time.ts`).
            header: 'created (UTC)',
            value: (r) => createdUtc(r.createdAt ?? r.startedAt),
            min: 19,
            max: 26,
          },
          {
            header: 'cost',
            value: (r) => (r.costUsd === null ? null : `$${r.costUsd.toFixed(4)}`),
            align: 'right',
            min: 9,
          },
          { header: 'tokens', value: (r) => r.tokensUsed, align: 'right', min: 8 },
          {
            header: 'compliance',
            value: complianceText,
            align: 'right',
            style: (text, r) => complianceStyle(r, c)(text),
          },
          ...(filter.includeArchive
            ? [{ header: 'source', value: (r: RunMetadata) => r.source ?? 'active' }]
            : []),
        ];
        // Written in batches: a table of any size streams, with fixed column widths.
        const table = createTableWriter(columns, (text) => ctx.streams.stdout.write(text));
        for (let i = 0; i === 0 || i < runs.length; i += TABLE_BATCH) {
          table.add(runs.slice(i, i + TABLE_BATCH));
        }
        ctx.info(`${runs.length} run(s)`);
      }
      return 0;
    } finally {
      await manager.close();
    }
  },
};

const show: CommandSpec = {
  name: 'show',
  summary: 'One run with its mechanisms, resolutions and validations',
  description:
    'Every field of one run (active database or archive), then its mechanism events, resolution assignments and validations, one line each, with the violations of each validation listed under it. Values longer than 80 characters are cut with …; --json prints everything in full.',
  printsData: true,
  arguments: [{ name: 'run_id', description: 'the run to show' }],
  examples: [
    {
      command: 'runmeta runs show run_20251211_120536_66b420bf --json',
      description: 'everything about one run',
    },
  ],
  async run(ctx, [runId]) {
    const manager = await ctx.open({ write: false });
    try {
      const run = await manager.getRun(runId!, { includeArchive: true });
      const both = { includeArchive: true };
      const mechanisms = await manager.getMechanisms(runId!, both);
      const resolutions = await manager.getResolutions(runId!, both);
      const validations = await manager.getValidations(runId!, both);
      if (ctx.global.json) {
        ctx.json({ run: runJson(run), mechanisms, resolutions, validations });
        return 0;
      }
      const rows = Object.entries(run).filter(
        ([k, v]) => v !== null && v !== undefined && k !== 'extra' && k !== 'readIssues',
      );
      const width = Math.max(...rows.map(([k]) => k.length));
      ctx.out(
        rows
          .map(
            ([k, v]) =>
              `${k.padEnd(width)}  ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`,
          )
          .join('\n'),
      );
      for (const [k, v] of Object.entries(run.extra))
        ctx.out(`${`extra.${k}`.padEnd(width)}  ${String(v)}`);
      ctx.out(`\n${renderChildRecords(mechanisms, resolutions, validations, ctx.color)}`);
      return 0;
    } finally {
      await manager.close();
    }
  },
};

const close: CommandSpec = {
  name: 'close',
  summary: 'Close runs still running after a given age as failed',
  description: `Find runs whose status is still running although they started longer ago than --older-than (their process died), and mark them failed with a reason. With --dry-run, list them and change nothing.

Only the active database is changed. After a migration with the archive strategy, running runs of the read-only v1 archive are counted on stderr, not closed: carry them over with \`${CARRY_OVER_ARCHIVE}\` first. On a v1 file runs close refuses (exit 3) instead of migrating it, since the archive strategy would move the running runs out of reach: run \`${CARRY_OVER_FIRST}\` first.`,
  printsData: true,
  options: [
    {
      flags: '--stale',
      description: 'close stale runs (required: the only kind of closing there is)',
    },
    { flags: '--older-than <duration>', description: 'age, e.g. 6h, 2d, 1w', value: duration },
    { flags: '--reason <text>', description: 'error message to store' },
    { flags: '--dry-run', description: 'list the runs that would be closed; change nothing' },
  ],
  examples: [
    {
      command: 'runmeta runs close --stale --older-than 1d',
      description: 'fail runs stuck for a day',
    },
    {
      command: 'runmeta runs close --stale --older-than 1d --dry-run',
      description: 'see which runs that would close',
    },
  ],
  async run(ctx, _args, options) {
    if (!options.stale || options.olderThan === undefined)
      throw new CliUsageError('runs close needs --stale and --older-than <duration>');
    const olderThanMs = options.olderThan as number;
    const olderThan = formatDuration(olderThanMs);
    const dryRun = !!options.dryRun;
    const manager = await ctx.open({
      write: !dryRun,
      refuseV1: refuseClosingInV1(ctx.location.display, olderThanMs, olderThan),
    });
    try {
      // One instant for both questions, so the two answers agree.
      const now = new Date();
      const runs = dryRun
        ? await manager.findStaleRuns({ olderThanMs, now })
        : await manager.closeStaleRuns({
            olderThanMs,
            now,
            reason: options.reason as string | undefined,
          });
      const archived = (
        await manager.findStaleRuns({ olderThanMs, now, includeArchive: true })
      ).filter((run) => run.source === 'archive').length;
      if (ctx.global.json) ctx.json(runs.map(runJson));
      else {
        for (const run of runs) ctx.out(run.runId);
        ctx.info(
          dryRun
            ? `${runs.length} stale run(s) would be closed as failed (dry run: nothing was changed)`
            : `${runs.length} stale run(s) closed as failed`,
        );
      }
      if (archived > 0) {
        const name = await manager.archiveName();
        ctx.warn(archivedStaleLine(archived, ctx.adapter().describe(name ?? ''), !dryRun));
      }
      return 0;
    } finally {
      await manager.close();
    }
  },
};

export const runs: CommandSpec = {
  name: 'runs',
  summary: 'List, show and close runs',
  examples: [
    {
      command: 'runmeta runs list --include-archive',
      description: 'every run, v1 archive included',
    },
    { command: 'runmeta runs show <run_id>', description: 'one run in detail' },
    {
      command: 'runmeta runs close --stale --older-than 1d',
      description: 'fail runs stuck for a day',
    },
  ],
  subcommands: [list, show, close],
};
