import { InterruptedError, RunmetaError, ValidationError } from '@runmeta/core';
import { systemErrorCode, systemErrorReason } from '@runmeta/core/adapter';
import { CommanderError } from 'commander';
import { hintInCliWords } from './hint-words.js';
import { interruptedExitCode } from './interrupt.js';
import { CliUsageError } from './usage-error.js';

/** What to do about a path the system refused, by error code, in CLI words. */
const PATH_HINTS: Readonly<Record<string, string>> = {
  EACCES: 'choose a location you can write to, or fix its permissions',
  EPERM: 'choose a location you can write to, or fix its permissions',
  EROFS: 'choose a location on a writable file system',
  ENOENT: 'check the path',
  ENOTDIR: 'check the path: a file stands where a folder is expected',
  EISDIR: 'give the path of a file, not of a folder',
  ENOSPC: 'free some disk space, then retry',
  EDQUOT: 'free some disk space, then retry',
  EFBIG: 'raise the file size limit (ulimit -f), then retry',
};

/**
 * A system error (EACCES, ENOTDIR, ENOSPC...) on a path the user gave on the
 * command line, as one usage line (exit 2): what could not be done, the path, the
 * system's reason and what to do. Any other error is returned unchanged.
 *
 * @param option - the flag that named the path, e.g. `--out`
 * @param action - what was attempted, e.g. `cannot write`
 */
export function userPathError(
  error: unknown,
  option: string,
  action: string,
  file: string,
): unknown {
  const code = systemErrorCode(error);
  if (!code) return error;
  const hint = PATH_HINTS[code] ?? `check ${option}`;
  const usage = new CliUsageError(
    `${option}: ${action} ${file}: ${systemErrorReason(code)}; ${hint}`,
  );
  usage.cause = error;
  return usage;
}

/** Exit code and one-line message for any error (exit codes 1 internal, 2 bad input, 3 database problem), with hints in CLI words. */
export function describeError(error: unknown): { exitCode: number; message: string } {
  if (error instanceof InterruptedError) {
    return {
      exitCode: interruptedExitCode(error.reason),
      message: error.message.replace(/^\[runmeta\] /, ''),
    };
  }
  if (error instanceof RunmetaError) {
    // Core's cliHint when it has one; otherwise its hint, with SDK options as flags.
    const hint =
      error.cliHint ?? (error.hint === undefined ? undefined : hintInCliWords(error.hint));
    return {
      exitCode: error.exitCode,
      message: hint ? `${error.problem}. ${hint}` : error.problem,
    };
  }
  if (error instanceof CliUsageError) return { exitCode: 2, message: error.message };
  if (error instanceof CommanderError)
    return { exitCode: 2, message: error.message.replace(/^error: /, '') };
  // A system error on a path no command anticipated: still the user's to fix, so
  // one line with the path and the reason rather than "internal error".
  const code = systemErrorCode(error);
  const file = (error as { path?: unknown } | null)?.path;
  if (code && typeof file === 'string') {
    return {
      exitCode: 2,
      message: `cannot use ${file}: ${systemErrorReason(code)}; ${PATH_HINTS[code] ?? 'check the path'}`,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { exitCode: 1, message: `internal error: ${message}. Run with --debug and report it` };
}

/**
 * Fields the SDK names in validation errors, as every command passes them: the
 * global `--db`, and the filters of the reading commands. A command adds its
 * own (`CommandSpec.fieldFlags`).
 */
export const COMMON_FIELD_FLAGS: Readonly<Record<string, string>> = {
  database: '--db',
  runId: '<run_id>',
  'filter.since': '--since',
  'filter.until': '--until',
  'filter.templateId': '--template',
  'filter.where': '--where',
  where: '--where',
  // The options of core's questions over many runs (list, count, summarize).
  'options.since': '--since',
  'options.until': '--until',
  'options.templateId': '--template',
  'options.status': '--status',
  'options.causalMode': '--mode',
  'options.where': '--where',
  'options.sort': '--sort',
  'options.cursor': '--cursor',
  'options.limit': '--limit',
  'options.by': '--by',
};

/**
 * An SDK `ValidationError` about a field the command filled from a flag or an
 * argument, told in the command's words: `Invalid causalMode: …` becomes
 * `Invalid --mode: …`. Any other error is returned unchanged.
 */
export function inFlags(error: unknown, flags: Readonly<Record<string, string>>): unknown {
  if (!(error instanceof ValidationError)) return error;
  // A field inside one a flag fills (`mechanisms[0].context.note`, from --context)
  // is that flag, with the path inside it said.
  const prefix = Object.keys(flags)
    .filter((key) => error.field.startsWith(`${key}.`) || error.field.startsWith(`${key}[`))
    .sort((a, b) => b.length - a.length)[0];
  const flag = flags[error.field] ?? (prefix ? flags[prefix] : undefined);
  if (!flag) return error;
  const inside =
    flags[error.field] || !prefix
      ? ''
      : `at ${error.field.slice(prefix.length).replace(/^\./, '')}: `;
  const problem = inside + error.problem.replace(/^Invalid [^:]+: /, '');
  return new ValidationError(flag, problem, {
    cause: error,
    ...(error.hint !== undefined ? { hint: error.hint } : {}),
    ...(error.cliHint !== undefined ? { cliHint: error.cliHint } : {}),
  });
}
