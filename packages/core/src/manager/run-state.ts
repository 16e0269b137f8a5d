/**
 * A run's record is final once it is finished: child records (mechanisms,
 * resolutions, validations) and the completion itself are accepted only while
 * the run is not `completed` or `failed`. Anything later would leave the stored
 * metrics (the fidelity distribution, computed at completion) stale.
 *
 * @packageDocumentation
 */
import { RunFinishedError, RunNotFoundError } from '../errors.js';
import type { Executor } from '../storage/database.js';

/** The statuses after which a run takes no more records. */
export const FINISHED_STATUSES = ['completed', 'failed'] as const;
export type FinishedStatus = (typeof FINISHED_STATUSES)[number];

/**
 * The finished status a stored status stands for, or null when the run is still
 * open. Stored values are compared as reads show them (trimmed, lower-case), so
 * a legacy `COMPLETED` is final; NULL and unknown statuses are not.
 */
export function finishedStatus(status: unknown): FinishedStatus | null {
  if (typeof status !== 'string') return null;
  const value = status.trim().toLowerCase();
  return (FINISHED_STATUSES as readonly string[]).includes(value)
    ? (value as FinishedStatus)
    : null;
}

/** SQL that holds when the row's status is not final (same rule as {@link finishedStatus}). */
const OPEN_RUN_SQL = `("status" IS NULL OR lower(trim("status")) NOT IN (${FINISHED_STATUSES.map(
  (s) => `'${s}'`,
).join(', ')}))`;

/**
 * Claim a run for new records inside a write transaction: set `updated_at` to
 * `now` where the run exists and is not finished. One UPDATE on the fast path;
 * only when it changes nothing does a second query tell a missing run
 * ({@link RunNotFoundError}) from a finished one ({@link RunFinishedError}).
 *
 * @param columns the columns `runs` actually has (legacy tables may lack some).
 */
export async function claimOpenRun(
  tx: Executor,
  runId: string,
  now: string,
  columns: readonly string[],
): Promise<void> {
  const hasStatus = columns.includes('status');
  if (columns.includes('updated_at')) {
    const result = await tx.run(
      `UPDATE "runs" SET "updated_at" = ? WHERE "run_id" = ?${hasStatus ? ` AND ${OPEN_RUN_SQL}` : ''}`,
      [now, runId],
    );
    if (result.changes > 0) return;
  }
  const rows = await tx.all(
    `SELECT ${hasStatus ? '"status"' : 'NULL AS "status"'} FROM "runs" WHERE "run_id" = ?`,
    [runId],
  );
  if (rows.length === 0) throw new RunNotFoundError(runId);
  const finished = finishedStatus(rows[0]!.status);
  if (finished) throw new RunFinishedError(runId, finished);
}

/** Refuse to change a run whose stored status is final. */
export function refuseIfFinished(runId: string, status: unknown): void {
  const finished = finishedStatus(status);
  if (finished) throw new RunFinishedError(runId, finished);
}
