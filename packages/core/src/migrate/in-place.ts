/**
 * The in-place executor, for plans that only add (`repair`, and `create` on an
 * open database). Its failure mode is the simplest: every statement, the
 * verification and the history row run in one transaction, so a failure rolls
 * back whole and the database is as it was.
 *
 * @packageDocumentation
 */
import { MigrationError } from '../errors.js';
import { ExecutorOption, MigrationPlanOption } from '../schema/options.js';
import { parseInput } from '../schema/validate.js';
import type { Database } from '../storage/database.js';
import { detectSchema } from './detect.js';
import { historyParams } from './history-row.js';
import { observeSchema } from './observe.js';
import type { MigrationPlan } from './plan.js';
import { type MigrationResult, migrationResult } from './verify.js';

/**
 * Apply a `create` or `repair` plan to an open database, in one transaction:
 * either every statement and the history row land, or nothing does.
 */
export async function applyInPlace(db: Database, plan: MigrationPlan): Promise<MigrationResult> {
  parseInput(ExecutorOption, db, 'db');
  parseInput(MigrationPlanOption, plan, 'plan');
  if (plan.action !== 'create' && plan.action !== 'repair') {
    throw new MigrationError(`applyInPlace cannot run a ${plan.action} plan`);
  }
  let check = '';
  await db.transaction(async (tx) => {
    for (const step of plan.steps) {
      if (step.kind === 'verify') continue;
      if (step.kind === 'record-history') {
        const details = { addedColumns: plan.addedColumns.map((c) => c.column) };
        await tx.run(step.sql[0]!, historyParams(plan, plan.action, details));
        continue;
      }
      for (const sql of step.sql) await tx.run(sql);
    }
    // Verified before COMMIT: a repair that does not yield a sound v2 schema rolls back whole.
    check = await tx.dialect.integrityCheck(tx, 0);
    const after = detectSchema(await observeSchema(tx));
    if (check !== 'ok' || after.kind !== 'v2') {
      throw new MigrationError(
        `after ${plan.action}, integrity is "${check}" and the schema is ${after.kind}; nothing was changed`,
      );
    }
  });
  return migrationResult(plan, { integrity: check });
}
