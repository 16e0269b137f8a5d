#!/usr/bin/env node
import { main } from './main.js';

// `runmeta runs list | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdinIsTTY: !!process.stdin.isTTY,
  env: process.env,
});
process.exitCode = code;
