// The browser tests drive Debian's Chromium (/usr/bin/chromium). `pnpm check`
// runs this first, so the README's test command works on a fresh machine:
// when Chromium is missing it is installed from Debian's packages (apt-get, as
// root; Playwright's own browser download cannot work without the internet).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const chromium = process.env.RUNMETA_CHROMIUM ?? '/usr/bin/chromium';
if (fs.existsSync(chromium)) process.exit(0);
if (process.getuid?.() !== 0) {
  console.error(
    `Chromium is needed for the browser tests and is not at ${chromium}.\n` +
      'Install it with `sudo apt-get install -y chromium`, or set RUNMETA_CHROMIUM to a Chromium binary.',
  );
  process.exit(1);
}
console.log('Installing Chromium from Debian packages for the browser tests...');
const run = (args) =>
  execFileSync('apt-get', args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
run(['update']);
run(['install', '-y', 'chromium']);
if (!fs.existsSync(chromium)) {
  console.error(`apt-get finished but ${chromium} is still missing`);
  process.exit(1);
}
