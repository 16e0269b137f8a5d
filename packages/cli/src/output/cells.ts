/** Cell formatting shared by tables: compliance as a coloured percentage. */
import type { RunMetadata } from '@runmeta/core';
import type { CliContext } from '../context.js';

/** Token-budget compliance as a percentage (`—` when unknown). */
export function complianceText(run: RunMetadata): string {
  const value = run.tokenBudgetCompliance;
  return value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)}%`;
}

/** The colour of a compliance cell: red over budget, green within. */
export function complianceStyle(
  run: RunMetadata,
  c: CliContext['color'],
): (text: string) => string {
  const value = run.tokenBudgetCompliance;
  if (value === null || value === undefined) return (text) => text;
  return value > 1 ? c.red : c.green;
}

/** Token-budget compliance as a coloured percentage, red over budget, green within. */
export function compliance(run: RunMetadata, c: CliContext['color']): string {
  return complianceStyle(run, c)(complianceText(run));
}
