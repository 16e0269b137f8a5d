/** The work of `runs list`: runs, filtered and sorted, as a table, JSON, JSONL or CSV. */

import { exportFields, type RunMetadata, type RunQueryFilter, streamRuns } from '@runmeta/core';
import { timeKey } from '@runmeta/core/adapter';
import type { CommandRun } from '../commands/types.js';
import type { CliContext } from '../context.js';
import { complianceStyle, complianceText } from '../output/cells.js';
import { printable } from '../output/printable.js';
import { csvHeader, csvRow, runJson } from '../output/records.js';
import { createTableWriter, type TableColumn } from '../output/table.js';
import { hintArchive } from '../shared/archive-hint.js';
import { filterFromOptions } from '../shared/run-filter-options.js';

/** A stored creation time as `YYYY-MM-DD HH:MM:SS` in UTC; text that is no time as it is. */
function createdUtc(stored: string | null | undefined): string | null {
  if (!stored) return null;
  const key = timeKey(stored);
  return key ? key.slice(0, 19).replace('T', ' ') : stored;
}

/** Runs per page read from the database, and per chunk of a streamed table. */
const PAGE = 1000;

/** Runs `runs list`, as declared (options, help) in `commands/runs-list.ts`. */
export const run: CommandRun = async (ctx, _args, options) => {
  const filter = filterFromOptions(options);
  const manager = await ctx.open({ write: false });
  try {
    const format = ctx.global.json ? 'json' : (options.format as string);
    const write = await listWriter(ctx, format, filter, () =>
      manager.runsColumns({ includeArchive: filter.includeArchive }),
    );
    // One statement streamed row by row (keyset pages where the backend cannot
    // stream): memory holds a batch, whatever the number of runs.
    let next: string | null = null;
    const runs = streamRuns(
      manager,
      {
        ...filter,
        sort: options.sort as string,
        limit: options.limit as number | undefined,
        cursor: options.cursor as string | undefined,
      },
      (cursor) => {
        next = cursor;
      },
    );
    let listed = 0;
    let batch: RunMetadata[] = [];
    for await (const run of runs) {
      batch.push(run);
      if (batch.length === PAGE) {
        listed += batch.length;
        await write.runs(batch);
        batch = [];
      }
    }
    listed += batch.length;
    if (batch.length || listed === 0) await write.runs(batch);
    write.end(listed);
    if (next) ctx.info(`more runs follow: --cursor ${next}`);
    // A page after the last is empty too, and so is `--limit 0`: only a whole
    // first page that found nothing hints.
    if (listed === 0 && !options.cursor && options.limit !== 0) {
      await hintArchive(ctx, manager, filter);
    }
    return 0;
  } finally {
    await manager.close();
  }
};

/** What a list is written with: runs as they come (resolving once stdout can take more), then the end. */
interface ListWriter {
  runs(runs: readonly RunMetadata[]): Promise<void>;
  end(listed: number): void;
}

/** Wait until `stream` drains when its buffer is full, so a slow reader holds the list back. */
function drained(stream: NodeJS.WritableStream, full: boolean): Promise<void> {
  return full ? new Promise((resolve) => stream.once('drain', () => resolve())) : Promise.resolve();
}

/** A writer for `format` that streams (JSON as one array, opened and closed around the pages). */
async function listWriter(
  ctx: CliContext,
  format: string,
  filter: RunQueryFilter,
  columns: () => Promise<string[][]>,
): Promise<ListWriter> {
  const json = (r: RunMetadata) => ({ ...runJson(r), source: r.source ?? 'active' });
  const out = ctx.streams.stdout as NodeJS.WriteStream;
  if (format === 'json') {
    let first = true;
    return {
      async runs(runs) {
        let chunk = '';
        for (const r of runs) {
          // Exactly what JSON.stringify(array, null, 2) prints, one element at a time.
          const text = JSON.stringify(json(r), null, 2).replace(/\n/g, '\n  ');
          chunk += `${first ? '[\n' : ',\n'}  ${text}`;
          first = false;
        }
        await drained(out, !out.write(printable(chunk)));
      },
      end: () => ctx.streams.stdout.write(first ? '[]\n' : '\n]\n'),
    };
  }
  if (format === 'jsonl') {
    return {
      runs: async (runs) => {
        const lines = runs.map((r) => `${printable(JSON.stringify(json(r)))}\n`).join('');
        await drained(out, !out.write(lines));
      },
      end: () => {},
    };
  }
  if (format === 'csv') {
    const fields = exportFields(await columns(), { source: true });
    ctx.data(csvHeader(fields));
    return {
      runs: async (runs) => {
        const rows = runs.map((r) => `${csvRow(r, fields)}\n`).join('');
        await drained(out, !out.write(out.isTTY ? printable(rows) : rows));
      },
      end: () => {},
    };
  }
  let full = false;
  const table = createTableWriter(runColumns(ctx, !!filter.includeArchive), (text) => {
    full = !out.write(text);
  });
  let started = false;
  return {
    async runs(runs) {
      if (runs.length || !started) table.add(runs);
      started = true;
      await drained(out, full);
    },
    end: (listed) => {
      if (!started) table.add([]);
      ctx.info(`${listed} run(s)`);
    },
  };
}

/** The columns of the run table. */
function runColumns(ctx: CliContext, withSource: boolean): TableColumn<RunMetadata>[] {
  const c = ctx.color;
  return [
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
    ...(withSource ? [{ header: 'source', value: (r: RunMetadata) => r.source ?? 'active' }] : []),
  ];
}
