/**
 * Running a migration plan: the executor's public face. There is one
 * executor per failure mode, each in its own module:
 *
 * - `in-place.ts` — `repair` (and `create` on an open database): one transaction,
 *   so a failure rolls back whole.
 * - `aside.ts` — `create` and `migrate`: the new database is built aside and
 *   renamed into place (building → archived → installed); `aside-undo.ts` walks a
 *   failure back to the original.
 * - `carry-over.ts` — the carry-over strategy's copy and backfill, inside the
 *   aside's transaction.
 * - `verify.ts` — the checks after the swap, and the one builder of the result.
 *
 * @packageDocumentation
 */
export { type ApplyOptions, applyMigration } from './aside.js';
export type { MigrationProgress } from './carry-over.js';
export { applyInPlace } from './in-place.js';
export type { MigrationResult } from './verify.js';
