/** The report as text: a table of the groups, bar charts and totals (`report`, `demo`). */
import { type ReportGroup, reportTotals, sortedDistribution } from '@runmeta/core';
import { renderBars, renderTable } from './table.js';

/** Render the report text (used by `report` and `demo`). */
export function renderReport(groups: readonly ReportGroup[], by: string): string {
  const total = reportTotals(groups);
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
