/**
 * The values of the `runmeta_migrations` row a plan's `record-history` step
 * inserts (its SQL lists {@link HISTORY_INSERT_COLUMNS}). In-place plans write it
 * in their one transaction; aside plans write it into the aside before the swap,
 * which is how the next open knows an aside is complete.
 *
 * @packageDocumentation
 */
import { CURRENT_SCHEMA_VERSION } from '../columns/registry.js';
import type { SqlParams } from '../sql/values.js';
import { SDK_VERSION } from '../version.js';
import type { HISTORY_INSERT_COLUMNS, MigrationPlan } from './plan.js';

/** The history row of `plan`, in the order of {@link HISTORY_INSERT_COLUMNS}. */
export function historyParams(
  plan: MigrationPlan,
  kind: string,
  details: Record<string, unknown>,
): SqlParams {
  return [
    new Date().toISOString(),
    kind,
    plan.detection.version,
    CURRENT_SCHEMA_VERSION,
    plan.strategy,
    JSON.stringify(details),
    SDK_VERSION,
  ];
}
