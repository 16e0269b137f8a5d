#!/usr/bin/env node
import { main } from './main.js';

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdinIsTTY: !!process.stdin.isTTY,
  env: process.env,
});
process.exitCode = code;
