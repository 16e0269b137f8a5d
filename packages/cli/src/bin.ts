#!/usr/bin/env node
import { rawArguments } from './argv.js';
import { main } from './main.js';

// `runmeta runs list | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

const argv = process.argv.slice(2);
const code = await main(
  argv,
  {
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: !!process.stdin.isTTY,
    env: process.env,
  },
  rawArguments(argv.length),
);
process.exitCode = code;
