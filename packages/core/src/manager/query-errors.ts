/**
 * `query()` refuses writes by design, on a database that may well be writable:
 * its error must not send the user to the file's permissions, but to the write
 * methods.
 */
import { ReadOnlyError } from '../errors.js';

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
