/**
 * `query()` refuses writes by design, on a database that may well be writable:
 * its error must not send the user to the file's permissions, but to the write
 * methods. And the SQL is the caller's: a statement the engine cannot run is a
 * bad input, not a storage failure.
 */
import { ReadOnlyError, ValidationError } from '../errors.js';

/**
 * The error for a write given to `MetadataManager.query()`.
 *
 * @internal
 */
export function queryReadsOnly(location: string, detail: string, cause?: unknown): ReadOnlyError {
  return new ReadOnlyError(location, detail, {
    hint: 'query() accepts reads only: change runs with the write methods (startRun, recordMechanism, recordResolution, recordValidation, completeRun, updateSummary, saveMetadata, closeStaleRuns)',
    // The CLI never passes its user's SQL to query().
    cliHint: 'Run with --debug and report it',
    ...(cause === undefined ? {} : { cause }),
  });
}

/** What engines say when the SQL or its parameters given to `query()` are wrong. */
const INPUT_PROBLEMS: [RegExp, 'sql' | 'params'][] = [
  [
    /parameter values were provided|bind message supplies|prepared statement requires|Wrong API use/i,
    'params',
  ],
  [
    /syntax error|incomplete input|unrecognized token|no such (table|column|function)|does not exist|ambiguous column|misuse of aggregate|wrong number of arguments/i,
    'sql',
  ],
];

/**
 * An engine's refusal of the statement or parameters given to
 * `MetadataManager.query()` — the caller's own SQL — as a `ValidationError`
 * naming `sql` or `params`; null for any other failure (which stays a storage
 * or database error).
 *
 * @internal
 */
export function queryInputError(error: unknown): ValidationError | null {
  if (error instanceof ValidationError) return null;
  let message = '';
  for (let e = error, i = 0; e instanceof Error && i < 5; e = e.cause, i++) message = e.message;
  const found = INPUT_PROBLEMS.find(([pattern]) => pattern.test(message));
  if (!found) return null;
  return new ValidationError(found[1], `the database refused it: ${message}`, {
    cause: error,
    operation: 'read',
    hint: 'Fix the statement or its parameters (one value per ?) and retry',
  });
}
