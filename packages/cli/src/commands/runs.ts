/** Reading runs: runs list / show / close, inspect, report, export, budget check. */
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import {
  formatSnapshotForLlm,
  type RunFilter,
  type RunMetadata,
  sortedDistribution,
  TEMPORAL_MODES,
} from '@runmeta/core';
import { loadLatestNarrative } from '@runmeta/node-sqlite';
import type { CliContext } from '../context.js';
import { CliUsageError } from '../errors.js';
import { csvHeader, csvRow, runJson } from '../output/records.js';
import { renderBars, renderTable } from '../output/table.js';
import { CHECK_FAILED } from './database.js';
import type { CommandSpec } from './types.js';

const SORTS = ['oldest', 'newest', 'cost', 'tokens', 'compliance'] as const;

/** `90s`, `30m`, `12h`, `7d`, `2w` → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/i.exec(text.trim());
  if (!match)
    throw new CliUsageError(
      `bad duration "${text}": use a number and a unit, e.g. 90s, 30m, 12h, 7d, 2w`,
    );
  const unit = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[match[2]!.toLowerCase() as 's']!;
  return Number(match[1]) * unit * 1000;
}

function parseCount(name: string, text: unknown): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new CliUsageError(`${name} must be a whole number ≥ 0, got "${text}"`);
  return value;
}

function compliance(run: RunMetadata, c: CliContext['color']): string {
  const value = run.tokenBudgetCompliance;
  if (value === null || value === undefined) return '—';
  const text = `${(value * 100).toFixed(1)}%`;
  return value > 1 ? c.red(text) : c.green(text);
}

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
  description:
    "List runs. Filters combine with AND. --where takes a small filter language: comparisons (= != < <= > >=), and/or/not, parentheses, in (...), like '...', is [not] null, over run columns (cost_usd or costUsd) and fidelity levels (fidelity.dialog >= 2).",
  printsData: true,
  options: [
    { flags: '--template <id>', description: 'only this template' },
    {
      flags: '--status <status>',
      description: 'only this status',
      choices: ['running', 'completed', 'failed'],
    },
    { flags: '--mode <mode>', description: 'only this causal mode', choices: TEMPORAL_MODES },
    { flags: '--since <iso>', description: 'created at or after this ISO time' },
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
    { flags: '--limit <n>', description: 'at most n runs (after sorting)' },
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
    const limit = parseCount('--limit', options.limit);
    const sort = options.sort as (typeof SORTS)[number];
    const filter: RunFilter = {
      templateId: options.template as string | undefined,
      status: options.status as RunFilter['status'],
      causalMode: options.mode as RunFilter['causalMode'],
      since: options.since as string | undefined,
      where: options.where as string | undefined,
      includeArchive: !!options.includeArchive,
      order: sort === 'newest' ? 'newest-first' : 'oldest-first',
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
        ctx.out(csvHeader());
        for (const r of runs) ctx.out(csvRow({ ...r, source: r.source ?? 'active' }));
      } else {
        const c = ctx.color;
        ctx.out(
          renderTable(
            [
              'run_id',
              'template',
              'mode',
              'status',
              'created',
              'cost',
              'tokens',
              'compliance',
              ...(filter.includeArchive ? ['source'] : []),
            ],
            runs.map((r) => [
              r.runId,
              r.templateId,
              r.causalMode,
              r.status === 'failed'
                ? c.red(String(r.status))
                : r.status === 'running'
                  ? c.yellow(String(r.status))
                  : r.status,
              (r.createdAt ?? r.startedAt ?? '').slice(0, 19),
              r.costUsd === null ? null : `$${r.costUsd.toFixed(4)}`,
              r.tokensUsed,
              compliance(r, c),
              ...(filter.includeArchive ? [r.source ?? 'active'] : []),
            ]),
          ),
        );
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
      ctx.out(
        `\n${mechanisms.length} mechanism event(s), ${resolutions.length} resolution assignment(s), ${validations.length} validation(s)`,
      );
      return 0;
    } finally {
      await manager.close();
    }
  },
};

const close: CommandSpec = {
  name: 'close',
  summary: 'Close runs still running after a given age as failed',
  description:
    'Find runs whose status is still running although they started longer ago than --older-than (their process died), and mark them failed with a reason.',
  printsData: true,
  options: [
    {
      flags: '--stale',
      description: 'close stale runs (required: the only kind of closing there is)',
    },
    { flags: '--older-than <duration>', description: 'age, e.g. 6h, 2d, 1w' },
    { flags: '--reason <text>', description: 'error message to store' },
  ],
  examples: [
    {
      command: 'runmeta runs close --stale --older-than 1d',
      description: 'fail runs stuck for a day',
    },
  ],
  async run(ctx, _args, options) {
    if (!options.stale || !options.olderThan)
      throw new CliUsageError('runs close needs --stale and --older-than <duration>');
    const olderThanMs = parseDuration(String(options.olderThan));
    const manager = await ctx.open({ write: true });
    try {
      const closed = await manager.closeStaleRuns({
        olderThanMs,
        reason: options.reason as string | undefined,
      });
      if (ctx.global.json) ctx.json(closed.map(runJson));
      else {
        for (const run of closed) ctx.out(run.runId);
        ctx.info(`${closed.length} stale run(s) closed as failed`);
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

export const inspect: CommandSpec = {
  name: 'inspect',
  summary: 'The LLM-ready snapshot of one run (SPEC §6 text)',
  printsData: true,
  arguments: [{ name: 'run_id', description: 'the run to inspect' }],
  options: [
    {
      flags: '--datasets <dir>',
      description:
        'datasets folder: adds characters, timeline, latest event and dialogs from the newest narrative export',
    },
  ],
  examples: [
    {
      command: 'runmeta inspect run_20251211_120536_66b420bf --datasets datasets',
      description: 'snapshot with narrative',
    },
  ],
  async run(ctx, [runId], options) {
    const manager = await ctx.open({ write: false });
    try {
      const run = await manager.getRun(runId!, { includeArchive: true });
      const narrative =
        options.datasets && run.templateId
          ? loadLatestNarrative(String(options.datasets), run.templateId)
          : null;
      const snapshot = await manager.getSnapshot(runId!, { includeArchive: true, narrative });
      if (ctx.global.json) ctx.json(snapshot);
      else ctx.out(formatSnapshotForLlm(snapshot));
      return 0;
    } finally {
      await manager.close();
    }
  },
};

interface Group {
  key: string;
  runs: number;
  completed: number;
  failed: number;
  running: number;
  costUsd: number;
  tokens: number;
  overBudget: number;
  fidelity: Record<string, number>;
}

/** Aggregate runs by a field: counts, cost, tokens, overruns, fidelity totals. */
export function aggregate(runs: RunMetadata[], by: 'template' | 'mode' | 'status'): Group[] {
  const groups = new Map<string, Group>();
  for (const run of runs) {
    const key = String(
      (by === 'template' ? run.templateId : by === 'mode' ? run.causalMode : run.status) ?? '—',
    );
    const g = groups.get(key) ?? {
      key,
      runs: 0,
      completed: 0,
      failed: 0,
      running: 0,
      costUsd: 0,
      tokens: 0,
      overBudget: 0,
      fidelity: {},
    };
    g.runs++;
    if (run.status === 'completed' || run.status === 'failed' || run.status === 'running') {
      g[run.status as 'completed' | 'failed' | 'running']++;
    }
    g.costUsd += run.costUsd ?? 0;
    g.tokens += run.tokensUsed ?? 0;
    if ((run.tokenBudgetCompliance ?? 0) > 1) g.overBudget++;
    for (const [level, n] of Object.entries(run.fidelityDistribution ?? {}))
      g.fidelity[level] = (g.fidelity[level] ?? 0) + n;
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => b.runs - a.runs || a.key.localeCompare(b.key));
}

/** Render the report text (used by `report` and `demo`). */
export function renderReport(groups: Group[], by: string): string {
  const total = groups.reduce(
    (t, g) => {
      t.runs += g.runs;
      t.costUsd += g.costUsd;
      t.tokens += g.tokens;
      t.overBudget += g.overBudget;
      for (const [l, n] of Object.entries(g.fidelity)) t.fidelity[l] = (t.fidelity[l] ?? 0) + n;
      return t;
    },
    { runs: 0, costUsd: 0, tokens: 0, overBudget: 0, fidelity: {} as Record<string, number> },
  );
  return [
    renderTable(
      [by, 'runs', 'completed', 'failed', 'running', 'cost', 'tokens', 'over budget'],
      groups.map((g) => [
        g.key,
        g.runs,
        g.completed,
        g.failed,
        g.running,
        `$${g.costUsd.toFixed(2)}`,
        g.tokens,
        g.overBudget,
      ]),
    ),
    '',
    `Runs per ${by}:`,
    renderBars(groups.map((g) => ({ label: g.key, value: g.runs }))),
    '',
    'Cost (USD):',
    renderBars(
      groups.map((g) => ({ label: g.key, value: g.costUsd, note: `$${g.costUsd.toFixed(2)}` })),
    ),
    '',
    'Tokens:',
    renderBars(
      groups.map((g) => ({
        label: g.key,
        value: g.tokens,
        note: g.tokens.toLocaleString('en-US'),
      })),
    ),
    '',
    'Fidelity totals (entities per level):',
    Object.keys(total.fidelity).length
      ? renderBars(
          sortedDistribution(total.fidelity, 'finest-first').map(([level, n]) => ({
            label: level.toUpperCase(),
            value: n,
          })),
        )
      : '  (no fidelity distributions recorded)',
    '',
    `Total: ${total.runs} runs, $${total.costUsd.toFixed(2)}, ${total.tokens.toLocaleString('en-US')} tokens, ${total.overBudget} over budget`,
  ].join('\n');
}

export const report: CommandSpec = {
  name: 'report',
  summary: 'Counts, cost, tokens, budget overruns and fidelity totals, with bar charts',
  description: 'Aggregate every run (active database and archive) by template, mode or status.',
  printsData: true,
  options: [
    {
      flags: '--by <field>',
      description: 'group by',
      choices: ['template', 'mode', 'status'],
      default: 'template',
    },
  ],
  examples: [{ command: 'runmeta report --by mode', description: 'per temporal mode' }],
  async run(ctx, _args, options) {
    const manager = await ctx.open({ write: false });
    try {
      const by = options.by as 'template' | 'mode' | 'status';
      const groups = aggregate(await manager.getAllRuns({ includeArchive: true }), by);
      if (ctx.global.json) ctx.json(groups);
      else ctx.out(renderReport(groups, by));
      return 0;
    } finally {
      await manager.close();
    }
  },
};

export const exportCommand: CommandSpec = {
  name: 'export',
  summary: 'Stream every run of the active database as JSONL or CSV (to stdout or a file)',
  description:
    'Exports the active database page by page, so memory stays flat however many runs there are. Archived v1 runs are not included (list them with `runs list --include-archive`). --out never replaces an existing file unless --force is given, and the file appears only once it is complete.',
  options: [
    {
      flags: '--format <format>',
      description: 'jsonl or csv',
      choices: ['jsonl', 'csv'],
      default: 'jsonl',
    },
    { flags: '--out <file>', description: 'write to this file instead of stdout' },
    { flags: '--force', description: 'replace --out if it exists (never the database itself)' },
  ],
  examples: [
    { command: 'runmeta export --format csv --out runs.csv', description: 'all runs as CSV' },
  ],
  async run(ctx, _args, options) {
    const target = options.out ? path.resolve(String(options.out)) : null;
    let temp: string | null = null;
    if (target) {
      const folder = ctx.location.directory;
      const protectedFiles =
        folder && fs.existsSync(folder)
          ? fs.readdirSync(folder).map((f) => path.resolve(folder, f))
          : [];
      if (protectedFiles.includes(target) && /\.db(-\w+)?$/.test(target)) {
        throw new CliUsageError(
          `--out ${options.out} is a database next to --db; choose another file`,
        );
      }
      if (fs.existsSync(target) && (fs.statSync(target).isDirectory() || !options.force)) {
        throw new CliUsageError(
          `--out ${options.out} already exists; pass --force to replace it, or choose another file`,
        );
      }
      if (!fs.existsSync(path.dirname(target))) {
        throw new CliUsageError(
          `--out ${options.out}: the folder ${path.dirname(target)} does not exist`,
        );
      }
      temp = `${target}.runmeta-partial`;
    }
    const manager = await ctx.open({ write: false });
    const out: NodeJS.WritableStream = temp ? fs.createWriteStream(temp) : ctx.streams.stdout;
    // events.once() rejects on 'error' and removes its listeners: no leak per drain.
    const write = async (line: string) => {
      if (!out.write(`${line}\n`)) await once(out, 'drain');
    };
    try {
      const total = Number((await manager.query('SELECT count(*) AS n FROM runs'))[0]?.n ?? 0);
      const progress = ctx.progress('export');
      let done = 0;
      if (options.format === 'csv') await write(csvHeader());
      // One write per page: a million awaits for a million lines would dominate the time.
      let chunk: string[] = [];
      for await (const run of manager.iterateRuns({}, { pageSize: 1000 })) {
        chunk.push(
          options.format === 'csv'
            ? csvRow({ ...run, source: 'active' })
            : JSON.stringify(runJson(run)),
        );
        if (++done % 1000 === 0) {
          await write(chunk.join('\n'));
          chunk = [];
          progress.update({ step: 'runs', done, total });
        }
      }
      if (chunk.length) await write(chunk.join('\n'));
      progress.done();
      if (options.out) {
        await new Promise<void>((resolve, reject) =>
          (out as fs.WriteStream).end((error?: Error | null) =>
            error ? reject(error) : resolve(),
          ),
        );
        // Renamed into place only when complete: a failed export never leaves half a file.
        fs.renameSync(temp!, target!);
        ctx.info(`${done} run(s) written to ${options.out}`);
      }
      return 0;
    } finally {
      if (temp && fs.existsSync(temp)) fs.rmSync(temp, { force: true });
      await manager.close();
    }
  },
};

export const budget: CommandSpec = {
  name: 'budget',
  summary: 'Token-budget checks',
  examples: [
    { command: 'runmeta budget check', description: 'exit 4 if any run went over budget' },
  ],
  subcommands: [
    {
      name: 'check',
      summary: 'Exit non-zero when runs went over their token budget',
      description: `List runs whose token_budget_compliance is above --max-compliance (default 1.0 = 100% of budget). Exit codes: 0 none over budget; ${CHECK_FAILED} some runs over budget.`,
      printsData: true,
      options: [
        {
          flags: '--max-compliance <ratio>',
          description: 'highest acceptable actual/budget ratio',
          default: '1.0',
        },
        { flags: '--include-archive', description: 'check the archive too' },
      ],
      examples: [
        {
          command: 'runmeta budget check --max-compliance 1.2',
          description: 'allow 20% over budget',
        },
      ],
      async run(ctx, _args, options) {
        const max = Number(options.maxCompliance);
        if (!Number.isFinite(max) || max < 0)
          throw new CliUsageError(
            `--max-compliance must be a number ≥ 0, got "${options.maxCompliance}"`,
          );
        const manager = await ctx.open({ write: false });
        try {
          const over = await manager.getAllRuns({
            where: `token_budget_compliance > ${max}`,
            includeArchive: !!options.includeArchive,
          });
          if (ctx.global.json) ctx.json({ maxCompliance: max, overBudget: over.map(runJson) });
          else if (over.length === 0)
            ctx.out(`No run over ${(max * 100).toFixed(0)}% of its token budget.`);
          else {
            ctx.out(
              renderTable(
                ['run_id', 'template', 'tokens', 'compliance'],
                over.map((r) => [
                  r.runId,
                  r.templateId,
                  r.actualTokensUsed ?? r.tokensUsed,
                  compliance(r, ctx.color),
                ]),
              ),
            );
            ctx.info(`${over.length} run(s) over ${(max * 100).toFixed(0)}% of budget`);
          }
          return over.length ? CHECK_FAILED : 0;
        } finally {
          await manager.close();
        }
      },
    },
  ],
};
