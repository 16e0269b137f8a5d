/** Cell formatting shared by tables: compliance as a coloured percentage. */
import type { RunMetadata } from '@runmeta/core';
import type { CliContext } from '../context.js';

/**
 * The decimals a compliance is shown with: `least`, or more (by two, up to six
 * more) where that keeps it on its side of the budget (1.0032 is over it and
 * shows so, not as 1).
 */
export function complianceDigits(value: number, least = 2): number {
  for (let digits = least; digits < least + 6; digits += 2) {
    if (Math.sign(Number(value.toFixed(digits)) - 1) === Math.sign(value - 1)) return digits;
  }
  return least + 6;
}

/** Token-budget compliance as a percentage (`—` when unknown), on its side of 100%. */
export function complianceText(run: RunMetadata): string {
  const value = run.tokenBudgetCompliance;
  if (value === null || value === undefined) return '—';
  // One decimal of a percentage is three of the ratio.
  return `${(value * 100).toFixed(complianceDigits(value, 3) - 2)}%`;
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
