/** `report`: counts, cost, tokens, overruns and fidelity totals per group. */
import { type RunMetadata, sortedDistribution } from '@runmeta/core';
import { renderBars, renderTable } from '../output/table.js';
import type { CommandSpec } from './types.js';

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
