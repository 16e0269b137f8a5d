/**
 * The error that stops an ingestion: which line, what was wrong with it, and
 * how far the input is committed, so the sender knows where to resume.
 *
 * @packageDocumentation
 */
import { RunmetaError, RunNotFoundError, ValidationError } from '../errors.js';

/**
 * A line stopped `ingestEvents`: it is not an event (not JSON, an unknown
 * `event`, an invalid field), or writing it failed (its run is unknown or
 * finished, the database is locked...). Every line before it is committed;
 * it and the lines after it are not.
 *
 * The `code` (and so the CLI's exit code) is the cause's: `RUNMETA_VALIDATION`
 * for a bad line, `RUNMETA_RUN_NOT_FOUND`, `RUNMETA_LOCKED`...; `cause` holds
 * the SDK's own error when there is one.
 */
export class IngestLineError extends RunmetaError {
  /** The 1-based number of the line that stopped the ingestion. */
  readonly line: number;
  /** The field named, when the line has an invalid field (`event`, `functionName`...); else null. */
  readonly field: string | null;

  /** @param reason - what is wrong with the line, or the SDK's error for it */
  constructor(line: number, reason: string | RunmetaError) {
    const cause = typeof reason === 'string' ? undefined : reason;
    const committed = line === 2 ? 'Line 1 is committed' : `Lines 1–${line - 1} are committed`;
    const resume =
      line <= 1
        ? 'Nothing was committed: fix line 1 and send the input again'
        : `${committed}: fix line ${line}, then send it and the lines after it again`;
    super(cause?.code ?? 'RUNMETA_VALIDATION', `line ${line}: ${cause ? cause.problem : reason}`, {
      ...hintsFor(cause, resume),
      ...(cause && { cause }),
    });
    this.line = line;
    this.field = cause instanceof ValidationError ? cause.field : null;
  }
}

/** The cause's advice (if it is about more than the value) and where to resume. */
function hintsFor(
  cause: RunmetaError | undefined,
  resume: string,
): { hint: string; cliHint?: string } {
  // A validation error's own hint ("nothing was written") is not true here.
  if (!cause || cause instanceof ValidationError) return { hint: resume };
  if (cause instanceof RunNotFoundError && cause.archive === null) {
    return { hint: `Send the run's "start" event before its other events. ${resume}` };
  }
  const join = (advice: string | undefined) =>
    advice ? `${advice.replace(/\.$/, '')}. ${resume}` : resume;
  return {
    hint: join(cause.hint),
    ...(cause.cliHint !== undefined && { cliHint: join(cause.cliHint) }),
  };
}
