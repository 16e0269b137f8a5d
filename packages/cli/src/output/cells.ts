/** Cell formatting shared by tables: compliance as a coloured percentage. */
import type { RunMetadata } from '@runmeta/core';
import type { CliContext } from '../context.js';

/** Token-budget compliance as a percentage, red over budget, green within. */
export function compliance(run: RunMetadata, c: CliContext['color']): string {
  const value = run.tokenBudgetCompliance;
  if (value === null || value === undefined) return '—';
  const text = `${(value * 100).toFixed(1)}%`;
  return value > 1 ? c.red(text) : c.green(text);
}
