/** The report as text: a table of the groups, bar charts and totals (`report`, `demo`). */
import { type RunSummary, sortedDistribution } from '@runmeta/core';
import { complianceDigits } from './cells.js';
import { renderBars, renderTable } from './table.js';

/** A compliance figure in the table (a number, so it is right-aligned; none shows `—`). */
const cell = (value: number | null): number | null =>
  value === null ? null : Number(value.toFixed(complianceDigits(value)));
/** A compliance figure as text, `—` when there is none. */
const ratio = (value: number | null): string =>
  value === null ? '—' : value.toFixed(complianceDigits(value));

/** Render the report text (used by `report` and `demo`). */
export function renderReport(summary: RunSummary): string {
  const { by, groups, totals } = summary;
  const label = (key: string | null) => key ?? '—';
  return [
    renderTable(
      [
        by === 'none' ? 'runs of' : by,
        'runs',
        'completed',
        'failed',
        'running',
        'cost',
        'tokens',
        'llm calls',
        'over budget',
        'compliance min',
        'median',
        'p90',
        'max',
      ],
      groups.map((g) => [
        label(g.key),
        g.runs,
        g.byStatus.completed,
        g.byStatus.failed,
        g.byStatus.running,
        `$${g.costUsd.toFixed(2)}`,
        g.tokens,
        g.llmCalls,
        g.overBudget,
        cell(g.compliance.min),
        cell(g.compliance.median),
        cell(g.compliance.p90),
        cell(g.compliance.max),
      ]),
    ),
    '',
    `Runs per ${by}:`,
    renderBars(groups.map((g) => ({ label: label(g.key), value: g.runs }))),
    '',
    'Cost (USD):',
    renderBars(
      groups.map((g) => ({
        label: label(g.key),
        value: g.costUsd,
        note: `$${g.costUsd.toFixed(2)}`,
      })),
    ),
    '',
    'Tokens:',
    renderBars(
      groups.map((g) => ({
        label: label(g.key),
        value: g.tokens,
        note: g.tokens.toLocaleString('en-US'),
      })),
    ),
    '',
    'Fidelity totals (entities per level):',
    Object.keys(totals.fidelity).length
      ? renderBars(
          sortedDistribution(totals.fidelity, 'finest-first').map(([level, n]) => ({
            label: level.toUpperCase(),
            value: n,
          })),
        )
      : '  (no fidelity distributions recorded)',
    '',
    `Compliance: min ${ratio(totals.compliance.min)}, median ${ratio(totals.compliance.median)}, p90 ${ratio(totals.compliance.p90)}, max ${ratio(totals.compliance.max)} (${totals.compliance.count} runs with a budget)`,
    `Total: ${totals.runs} runs, $${totals.costUsd.toFixed(2)}, ${totals.tokens.toLocaleString('en-US')} tokens, ${totals.overBudget} over budget`,
  ].join('\n');
}
