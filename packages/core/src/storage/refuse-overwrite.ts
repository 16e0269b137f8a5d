/**
 * The one refusal every container makes: a move or copy onto a name that is taken.
 * runmeta never overwrites a database, whatever the backend.
 */
import { ArchiveConflictError } from '../errors.js';

/** The default advice: what to do about the database in the way. */
const MOVE_IT_FIRST = 'Move or rename it first; runmeta never overwrites a database';

/**
 * The error for a move or copy onto `where` (an adapter's description of the
 * name), which already holds something. `hint` says how to clear it on this
 * backend (for a server: rename or drop the schema).
 */
export function overwriteRefused(
  where: string,
  hint: string = MOVE_IT_FIRST,
): ArchiveConflictError {
  return new ArchiveConflictError(`${where} already exists and would be overwritten`, hint);
}
