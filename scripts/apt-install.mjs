// Installing a Debian package the test suite needs (Chromium, PostgreSQL) when it
// is missing: as root with apt-get, or else a message saying what to run.
import { execFileSync } from 'node:child_process';

/**
 * Install `packages` with apt-get, or exit 1 with `advice` when not root.
 * `extraArgs` go to `apt-get install`.
 */
export function aptInstall(what, packages, { advice, extraArgs = [] }) {
  if (process.getuid?.() !== 0) {
    console.error(`${what} is needed for the tests and is not installed.\n${advice}`);
    process.exit(1);
  }
  console.log(`Installing ${what} from Debian packages for the tests...`);
  const run = (args) =>
    execFileSync('apt-get', args, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  run(['update']);
  run(['install', '-y', ...extraArgs, ...packages]);
}
