/** `runs list`: runs, filtered and sorted, as a table, JSON, JSONL or CSV. */
import {
  exportFields,
  listRuns,
  RUN_SORTS,
  type RunFilter,
  type RunMetadata,
  type RunSort,
  TEMPORAL_MODES,
  WHERE_LIMITS,
} from '@runmeta/core';
import { timeKey } from '@runmeta/core/adapter';
import { complianceStyle, complianceText } from '../output/cells.js';
import { csvHeader, csvRow, runJson } from '../output/records.js';
import { createTableWriter, type TableColumn } from '../output/table.js';
import { wholeNumber } from '../shared/option-values.js';
import type { CommandSpec } from './types.js';

/** A stored creation time as `YYYY-MM-DD HH:MM:SS` in UTC; text that is no time as it is. */
function createdUtc(stored: string | null | undefined): string | null {
  if (!stored) return null;
  const key = timeKey(stored);
  return key ? key.slice(0, 19).replace('T', ' ') : stored;
}

/** Rows per chunk of a streamed table. */
const TABLE_BATCH = 1000;

export const runsList: CommandSpec = {
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
      choices: RUN_SORTS,
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
    const filter = {
      templateId: options.template as string | undefined,
      status: options.status as RunFilter['status'],
      causalMode: options.mode as RunFilter['causalMode'],
      since: options.since as string | undefined,
      until: options.until as string | undefined,
      where: options.where as string | undefined,
      includeArchive: !!options.includeArchive,
    };
    const manager = await ctx.open({ write: false });
    try {
      const runs = await listRuns(manager, filter, {
        sort: options.sort as RunSort,
        limit: options.limit as number | undefined,
      });
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
