/**
 * What runs statements, without knowing which backend answers: the part of an
 * executor the dialects' own helpers need (an introspector reads a catalog, an
 * integrity check runs a PRAGMA). Core's {@link Executor} adds the dialect on top.
 */
import type { Row, RunResult, SqlParams } from './values.js';

/** Runs single parameterised statements, inside or outside a transaction. */
export interface StatementExecutor {
  run(sql: string, params?: SqlParams): Promise<RunResult>;
  all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]>;
  runMany(sql: string, paramSets: readonly SqlParams[]): Promise<RunResult>;
}
