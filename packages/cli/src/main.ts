import { CommanderError } from 'commander';
import { checkArguments } from './argv.js';
import type { Streams } from './context.js';
import { printable } from './output/printable.js';
import { buildProgram } from './program.js';
import { CliUsageError } from './usage-error.js';

/**
 * Run the CLI with `argv` (without `node` and the script); resolves to the exit
 * code. `rawArgv` is the same arguments as the bytes the system passed, when
 * known: an argument that is not UTF-8 is refused rather than stored changed.
 */
export async function main(
  argv: string[],
  streams: Streams,
  rawArgv?: readonly Uint8Array[],
): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(
    streams,
    (code) => {
      exitCode = code;
    },
    async () => {
      const { loadPostgres, mentionsPostgres } = await import('./context.js');
      if (argv.some(mentionsPostgres) || mentionsPostgres(streams.env.RUNMETA_DB ?? '')) {
        await loadPostgres();
      }
    },
  );
  try {
    checkArguments(argv, rawArgv);
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    // Asked-for help and --version succeed; help shown because a subcommand is
    // missing (`runmeta runs`) is bad usage.
    if (
      error instanceof CommanderError &&
      ['commander.helpDisplayed', 'commander.version'].includes(error.code)
    ) {
      return 0;
    }
    if (error instanceof CommanderError && error.code === 'commander.help') {
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof CommanderError && error.code === 'commander.executeSubCommandAsync')
      return 1;
    // Bad usage is told as it is; any other error needs core's error classes to
    // describe, loaded only now, so neither --help nor a usage error loads core.
    const usage = error instanceof CliUsageError || error instanceof CommanderError;
    const { exitCode: code, message } = usage
      ? { exitCode: 2, message: error.message }
      : (await import('./errors.js')).describeError(error);
    // Commander already printed its own usage errors.
    if (!usage && error instanceof (await import('@runmeta/core')).InterruptedError) {
      // Asked for by the user, not an error: the line says what was left where.
      streams.stderr.write(`${printable(message)}\n`);
    } else if (!(error instanceof CommanderError)) {
      const color = !streams.env.NO_COLOR && streams.stderr.isTTY;
      streams.stderr.write(
        `${color ? '\u001b[31merror\u001b[39m' : 'error'}: ${printable(message)}\n`,
      );
    }
    if (argv.includes('--debug') && error instanceof Error)
      streams.stderr.write(`${error.stack}\n`);
    return code;
  }
}
