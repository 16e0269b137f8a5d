/**
 * Finishing what a killed process left half-done, before opening plans anything:
 * a migration's aside (`runs.db.v2-building`) and a rollback's restoring copy
 * (`runs.db.v1-restoring`). Both are built before anything moves, so each is
 * either complete (move it into place) or not needed (the original was never
 * touched: remove it). `findLeftovers` reports the same files without acting.
 *
 * @packageDocumentation
 */
import { TABLES } from '../columns/registry.js';
import { standIns } from '../migrate/foreign-code.js';
import { observeSchema } from '../migrate/observe.js';
import { asideNameFor, restoringNameFor } from '../migrate/working-names.js';
import { quoteIdent } from '../sql/quote.js';
import type { StorageAdapter } from '../storage/adapter.js';
import { openDatabase } from '../storage/open-database.js';

/** Whether an interrupted migration or rollback left work for the next open. */
export async function hasLeftovers(adapter: StorageAdapter, database: string): Promise<boolean> {
  return (
    (await adapter.exists(asideNameFor(database))) ||
    (await adapter.exists(restoringNameFor(database)))
  );
}

/**
 * Finish a migration a killed process left half-done: if the database is missing
 * but a complete aside (its history row written) exists, move it into place; an
 * incomplete aside is discarded (the original was never touched).
 */
export async function recoverInterruptedMigration(
  adapter: StorageAdapter,
  database: string,
): Promise<void> {
  // A rollback killed after moving the v2 database to its backup: the restoring
  // copy of the archive is complete (it was made before anything moved).
  const restoring = restoringNameFor(database);
  if (await adapter.exists(restoring)) {
    if (await adapter.exists(database)) await adapter.remove(restoring);
    else await adapter.move(restoring, database);
  }
  const aside = asideNameFor(database);
  if (!(await adapter.exists(aside))) return;
  if (await adapter.exists(database)) {
    await adapter.remove(aside);
    return;
  }
  let complete = false;
  const db = await openDatabase(adapter, aside, { readOnly: true });
  try {
    // A view under that name would run the file's own query: such an aside is not ours.
    const observed = await observeSchema(db).catch(() => null);
    if (observed && standIns(observed).length) throw new Error('not an aside runmeta built');
    const rows = await db.all(
      `SELECT count(*) AS n FROM ${quoteIdent(TABLES.history.name)} WHERE "kind" IN ('migrate', 'create')`,
    );
    complete = Number(rows[0]?.n ?? 0) > 0;
  } catch {
    complete = false;
  } finally {
    await db.close();
  }
  if (complete) await adapter.move(aside, database);
  else await adapter.remove(aside);
}
