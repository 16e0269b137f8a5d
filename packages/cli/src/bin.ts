#!/usr/bin/env node
import { argumentBytesToCheck } from './argv.js';
import { main } from './main.js';

// `runmeta runs list | head` closes the pipe early: that is not an error. Any
// other failure to write stdout (a redirect onto a full disk) is the output the
// user chose: one line saying so, exit 2, as for `export --out`.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', async (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    if (stream === process.stdout) {
      // Core's words for system errors load only now: a start never pays for them.
      let reason = error.message;
      try {
        const { systemErrorReason } = await import('@runmeta/core/adapter');
        if (error.code) reason = systemErrorReason(error.code);
      } catch {
        // The plain message still says what happened.
      }
      process.stderr.write(
        `error: cannot write the output (stdout): ${reason}. Free some space, or send it elsewhere (a redirect, or --out for export)\n`,
      );
    }
    process.exit(2);
  });
}

const argv = process.argv.slice(2);
// `--debug` stacks point into the sources, not the minified chunks: the code that
// throws (core, the actions) loads after this line.
if (argv.includes('--debug')) process.setSourceMapsEnabled(true);
const code = await main(
  argv,
  {
    stdout: process.stdout,
    stderr: process.stderr,
    // Made on first use: creating the stream costs a start 2-3 ms, and only
    // `ingest` and a confirmation read it. (`tty.isatty` would load `net`.)
    get stdinIsTTY() {
      return !!process.stdin.isTTY;
    },
    get stdin() {
      return process.stdin;
    },
    env: process.env,
  },
  argumentBytesToCheck(argv),
);
process.exitCode = code;
