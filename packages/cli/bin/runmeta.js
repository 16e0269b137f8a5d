#!/usr/bin/env node
// The `runmeta` command. It is a committed file rather than dist/bin.js itself
// so that installing a fresh clone (before any build) can link the command:
// pnpm skips a bin whose file does not exist yet, and `npx runmeta` then went
// to the npm registry instead of this workspace's CLI.
import { existsSync } from 'node:fs';

const built = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write(
    'error: the runmeta CLI is not built yet. Run `npx -y pnpm@10.34.8 build` at the repository root, then try again\n',
  );
  process.exit(2);
}
await import(built.href);
