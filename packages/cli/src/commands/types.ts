import type { CliContext } from '../context.js';
import type { ValueParser } from '../shared/option-values.js';

/** One option of a command, declared once: commander, `--help` and the docs derive from it. */
export interface OptionSpec {
  /** Commander flags, e.g. `--strategy <name>`. */
  flags: string;
  description: string;
  /** Allowed values (checked, listed in help). */
  choices?: readonly string[];
  default?: string | boolean;
  /** Can be given several times (collected into an array). */
  repeatable?: boolean;
  /**
   * How the value is parsed and checked (numbers, durations): applied before the
   * command runs, also to the default; a bad value is a usage error (exit 2).
   */
  value?: ValueParser;
}

/** One positional argument. */
export interface ArgumentSpec {
  name: string;
  description: string;
  required?: boolean;
  choices?: readonly string[];
  /** Takes every remaining value (`<run...>`); the command gets them as separate arguments. */
  variadic?: boolean;
}

/** A usage example shown in `--help` and the docs. */
export interface ExampleSpec {
  command: string;
  description: string;
}

/** One command (or command group), declared once. */
export interface CommandSpec {
  name: string;
  summary: string;
  /** Longer text for `--help` and the docs (what it does, exit codes). */
  description?: string;
  arguments?: readonly ArgumentSpec[];
  options?: readonly OptionSpec[];
  examples?: readonly ExampleSpec[];
  /** Whether the command prints data (and so accepts `--json`). */
  printsData?: boolean;
  subcommands?: readonly CommandSpec[];
  /**
   * SDK field names this command fills from its flags and arguments
   * (`causalMode` → `--mode`), so validation errors name what the user typed.
   */
  fieldFlags?: Readonly<Record<string, string>>;
  /**
   * Runs the command; returns the exit code (0 when omitted). Declared with
   * `lazy` (`shared/lazy-run.ts`), so the command's code (and what it imports)
   * loads only when it runs.
   */
  run?: CommandRun;
}

/** What a command does when it runs: `args` are its arguments, `options` its parsed flags. */
export type CommandRun = (
  ctx: CliContext,
  args: string[],
  options: Record<string, unknown>,
) => Promise<number | undefined>;
