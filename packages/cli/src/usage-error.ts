/**
 * The error of bad usage found by the CLI itself. Its own module, free of core:
 * the option parsers of the command declarations throw it while commander parses,
 * and those load at every start (see `shared/lazy-run.ts`).
 */

/** Bad usage found by the CLI itself (exit 2). */
export class CliUsageError extends Error {
  readonly exitCode = 2;
}
