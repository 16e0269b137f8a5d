/**
 * The error that stops an import of a dump: which line, and what was wrong with
 * it. An import is one transaction, so nothing of the dump was imported.
 *
 * @packageDocumentation
 */
import { RunmetaError, type RunmetaErrorOptions } from '../errors.js';

/**
 * A line stopped `importRuns`: it is not a dump line (not JSON, an unknown
 * field, a value its column cannot hold), its run exists already, or writing it
 * failed. The import is one transaction: nothing of the dump was imported.
 */
export class ImportLineError extends RunmetaError {
  /** The 1-based number of the line that stopped the import. */
  readonly line: number;

  /** @param problem - what is wrong with the line */
  constructor(line: number, problem: string, options: RunmetaErrorOptions = {}) {
    // The line's own fix, unless the caller knows a better one (a flag, an option).
    const fix = `Nothing was imported: fix line ${line} and import the dump again`;
    const andNothing = (advice: string) => `${advice}; nothing was imported`;
    super('RUNMETA_VALIDATION', `line ${line}: ${problem}`, {
      ...options,
      hint: options.hint ? andNothing(options.hint) : fix,
      ...(options.cliHint && { cliHint: andNothing(options.cliHint) }),
    });
    this.line = line;
  }
}
