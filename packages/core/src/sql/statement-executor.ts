/**
 * What runs statements, without knowing which backend answers: the part of an
 * executor the dialects' own helpers need (an introspector reads a catalog, an
 * integrity check runs a PRAGMA). Core's {@link Executor} adds the dialect on top.
 */
import { type Row, type RowValues, type RunResult, type SqlParams, toRowValues } from './values.js';

/** Runs single parameterised statements, inside or outside a transaction. */
export interface StatementExecutor {
  run(sql: string, params?: SqlParams): Promise<RunResult>;
  all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]>;
  runMany(sql: string, paramSets: readonly SqlParams[]): Promise<RunResult>;
  /** Optional: a query's rows as value arrays (see `SqlConnection.values`). */
  values?(sql: string, params?: SqlParams): Promise<RowValues>;
}

/** A query's rows as value arrays: through `values` where the executor has it. */
export async function readValues(
  db: StatementExecutor,
  sql: string,
  params?: SqlParams,
): Promise<RowValues> {
  return db.values ? db.values(sql, params) : toRowValues(await db.all(sql, params));
}
