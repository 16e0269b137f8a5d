/**
 * Builds the commander program from the command declarations: names, options,
 * help text and examples come from `commands/`, never from here.
 */
import { Argument, Command, CommanderError, Option } from 'commander';
import { COMMANDS, type CommandSpec } from './commands/index.js';
import { CliContext, defaultDatabase, type Streams } from './context.js';
import { CliUsageError } from './errors.js';

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
): void {
  const command = parent
    .command(spec.name)
    .summary(spec.summary)
    .description(spec.description ?? spec.summary);
  for (const arg of spec.arguments ?? []) {
    const argument = new Argument(
      arg.required === false ? `[${arg.name}]` : `<${arg.name}>`,
      arg.description,
    );
    if (arg.choices) argument.choices(arg.choices);
    command.addArgument(argument);
  }
  for (const opt of spec.options ?? []) {
    const option = new Option(opt.flags, opt.description);
    if (opt.choices) option.choices(opt.choices);
    if (opt.default !== undefined) option.default(opt.default);
    if (opt.repeatable)
      option.argParser((value: string, previous: string[] | undefined) => [
        ...(previous ?? []),
        value,
      ]);
    command.addOption(option);
  }
  const examples = examplesText(spec);
  if (examples) command.addHelpText('after', examples);
  for (const sub of spec.subcommands ?? []) addCommand(command, sub, streams, onExit);
  if (!spec.run) return;
  command.action(async (...received: unknown[]) => {
    const self = received.at(-1) as Command;
    const options = self.opts();
    const global = self.optsWithGlobals() as { db?: string; json?: boolean; debug?: boolean };
    if (global.json && !spec.printsData) {
      throw new CliUsageError(`--json is not supported by "${self.name()}": it prints no data`);
    }
    const ctx = new CliContext(streams, {
      db: global.db ?? defaultDatabase(streams.env),
      json: !!global.json,
      debug: !!global.debug,
    });
    const args = received.slice(0, -2).map((a) => a as string);
    onExit((await spec.run!(ctx, args, options)) ?? 0);
  });
}

/** The whole program, writing to the given streams. */
export function buildProgram(streams: Streams, onExit: (code: number) => void): Command {
  const program = new Command('runmeta')
    .description(
      'Run metadata for LLM-driven simulations: inspect, migrate and record runs in SQLite run databases.',
    )
    .version(VERSION, '-V, --version')
    .option('--db <path>', 'run database file (env RUNMETA_DB)', undefined)
    .option('--json', 'machine-readable JSON on stdout (commands that print data)')
    .option('--debug', 'show stack traces on errors')
    .configureOutput({
      writeOut: (text) => streams.stdout.write(text),
      writeErr: (text) => streams.stderr.write(text),
      // One line: what went wrong and where to look.
      outputError: (text, write) => write(`${text.trimEnd()} (see --help)\n`),
    })
    .exitOverride();
  program.addHelpText(
    'after',
    `\nExit codes: 0 ok; 1 internal error; 2 bad usage or input (unknown run, bad flag, bad filter); 3 database problem (not SQLite, corrupt, newer schema, locked, read-only); 4 a check failed (status: needs migration or drifted; budget check: runs over budget).\nColours follow NO_COLOR and are off when output is piped.\n${examplesText(
      {
        name: 'runmeta',
        summary: '',
        examples: [
          { command: 'runmeta demo', description: 'build, migrate and explore a demo database' },
          {
            command: 'runmeta status --db metadata/runs.db',
            description: 'schema, runs, archive, integrity',
          },
          {
            command: 'runmeta runs list --where "status = \'failed\'"',
            description: 'filter runs',
          },
        ],
      },
    )}`,
  );
  for (const spec of COMMANDS) addCommand(program, spec, streams, onExit);
  return program;
}

export { CommanderError };
