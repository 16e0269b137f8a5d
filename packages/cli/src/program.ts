/**
 * Builds the commander program from the command declarations: names, options,
 * help text and examples come from `commands/`, never from here.
 */
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  COMMANDS,
  type CommandSpec,
  EXIT_CODES,
  GLOBAL_OPTIONS,
  PROGRAM,
} from './commands/index.js';
import type { Streams } from './context.js';
import { printable } from './output/printable.js';
import { flagName } from './shared/option-values.js';
import { CliUsageError } from './usage-error.js';

/** The version printed by `--version` (the package's, bundled at build time). */
const VERSION = '0.1.0';

function examplesText(spec: CommandSpec): string {
  if (!spec.examples?.length) return '';
  const width = Math.max(...spec.examples.map((e) => e.command.length));
  return `\nExamples:\n${spec.examples.map((e) => `  $ ${e.command.padEnd(width)}  # ${e.description}`).join('\n')}\n`;
}

function addCommand(
  parent: Command,
  spec: CommandSpec,
  streams: Streams,
  onExit: (code: number) => void,
  prepare: () => Promise<void>,
): void {
  const command = parent
    .command(spec.name)
    .summary(spec.summary)
    .description(spec.description ?? spec.summary);
  for (const arg of spec.arguments ?? []) {
    const name = arg.variadic ? `${arg.name}...` : arg.name;
    const argument = new Argument(
      arg.required === false ? `[${name}]` : `<${name}>`,
      arg.description,
    );
    if (arg.choices) argument.choices(arg.choices);
    command.addArgument(argument);
  }
  for (const opt of spec.options ?? []) {
    const { value } = opt;
    const option = new Option(
      opt.flags,
      value ? `${opt.description} (${value.describe})` : opt.description,
    );
    if (opt.choices) {
      // Choices match in any case (`--status FAILED`), as filters and reads do.
      const choices = opt.choices;
      option.choices(choices).argParser((text: string) => {
        const chosen = choices.find((choice) => choice.toLowerCase() === text.toLowerCase());
        if (chosen === undefined) {
          throw new InvalidArgumentError(`Allowed choices are ${choices.join(', ')}.`);
        }
        return chosen;
      });
    }
    if (value) {
      const flag = flagName(opt.flags);
      option.argParser((text: string) => value.parse(text, flag));
    }
    // Commander does not parse defaults: the default goes through the same parser.
    if (opt.default !== undefined)
      option.default(
        value ? value.parse(String(opt.default), flagName(opt.flags)) : opt.default,
        value ? String(opt.default) : undefined,
      );
    if (opt.repeatable)
      option.argParser((value: string, previous: string[] | undefined) => [
        ...(previous ?? []),
        value,
      ]);
    command.addOption(option);
  }
  const examples = examplesText(spec);
  if (examples) command.addHelpText('after', examples);
  for (const sub of spec.subcommands ?? []) addCommand(command, sub, streams, onExit, prepare);
  if (!spec.run) return;
  command.action(async (...received: unknown[]) => {
    const self = received.at(-1) as Command;
    const options = self.opts();
    const global = self.optsWithGlobals() as { db?: string; json?: boolean; debug?: boolean };
    if (global.json && !spec.printsData) {
      throw new CliUsageError(`--json is not supported by "${self.name()}": it prints no data`);
    }
    // The context (core, the SQLite adapter) loads only when a command runs, not for --help.
    await prepare();
    const { CliContext, defaultDatabase } = await import('./context.js');
    const ctx = new CliContext(streams, {
      db: global.db ?? defaultDatabase(streams.env),
      json: !!global.json,
      debug: !!global.debug,
    });
    // A variadic argument arrives as one array: its values become separate arguments.
    const args = received.slice(0, -2).flatMap((a) => a as string | string[]);
    try {
      onExit((await spec.run!(ctx, args, options)) ?? 0);
    } catch (error) {
      const { COMMON_FIELD_FLAGS, inFlags } = await import('./errors.js');
      throw inFlags(error, { ...COMMON_FIELD_FLAGS, ...spec.fieldFlags });
    }
  });
}

/**
 * The whole program, writing to the given streams. `prepare` runs before any
 * command does (never for `--help` or a usage error): what only running needs,
 * such as the PostgreSQL adapter, loads there.
 */
export function buildProgram(
  streams: Streams,
  onExit: (code: number) => void,
  prepare: () => Promise<void> = async () => {},
): Command {
  const program = new Command(PROGRAM.name)
    .description(PROGRAM.description)
    .version(VERSION, '-V, --version');
  for (const opt of GLOBAL_OPTIONS) program.option(opt.flags, opt.description);
  program
    .configureOutput({
      writeOut: (text) => streams.stdout.write(text),
      // Commander repeats the arguments it refuses: shown, never obeyed.
      writeErr: (text) => streams.stderr.write(printable(text)),
      // One line: what went wrong and where to look.
      outputError: (text, write) => write(`${text.trimEnd()} (see --help)\n`),
    })
    .exitOverride();
  const exitCodes = EXIT_CODES.map((e) => `${e.code} ${e.meaning}`).join('; ');
  program.addHelpText(
    'after',
    `\nExit codes: ${exitCodes}.\nColours follow NO_COLOR and are off when output is piped.\n${examplesText(
      { name: PROGRAM.name, summary: '', examples: PROGRAM.examples },
    )}`,
  );
  for (const spec of COMMANDS) addCommand(program, spec, streams, onExit, prepare);
  return program;
}

export { CommanderError };
