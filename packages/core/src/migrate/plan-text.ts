/**
 * A migration plan as the text a dry run prints: one line per step, then its SQL.
 *
 * @packageDocumentation
 */
import { CURRENT_SCHEMA_VERSION } from '../columns/registry.js';
import type { MigrationPlan } from './plan.js';

/** A plan as plain text, one line per step plus its SQL, for dry runs. */
export function formatPlan(plan: MigrationPlan): string {
  if (plan.action === 'refuse') return `Refused: ${plan.database} ${plan.refusal}.`;
  if (plan.action === 'none')
    return `${plan.database} is up to date (schema v${CURRENT_SCHEMA_VERSION}); nothing to do.`;
  const head =
    plan.action === 'migrate'
      ? `Migrate ${plan.database} (${plan.detection.kind}) to v${CURRENT_SCHEMA_VERSION} with strategy ${plan.strategy}${plan.backfill ? ' and backfill' : ''}:`
      : plan.action === 'repair'
        ? `Repair ${plan.database} (${plan.detection.kind}), additive only:`
        : `Create ${plan.database} with schema v${CURRENT_SCHEMA_VERSION}:`;
  const lines = [head];
  plan.steps.forEach((step, i) => {
    lines.push(`  ${i + 1}. [${step.kind}] ${step.description}`);
    for (const sql of step.sql)
      lines.push(`       ${sql.replaceAll('\n', ' ').replace(/\s+/g, ' ')}`);
  });
  return lines.join('\n');
}
