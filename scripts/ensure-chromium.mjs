// The browser tests drive Debian's Chromium (/usr/bin/chromium). `pnpm check`
// runs this first, so the README's test command works on a fresh machine:
// when Chromium is missing it is installed from Debian's packages (apt-get, as
// root; Playwright's own browser download cannot work without the internet).
import fs from 'node:fs';
import { aptInstall } from './apt-install.mjs';

const chromium = process.env.RUNMETA_CHROMIUM ?? '/usr/bin/chromium';
if (fs.existsSync(chromium)) process.exit(0);
aptInstall('Chromium', ['chromium'], {
  advice: `It is looked for at ${chromium}. Install it with \`sudo apt-get install -y chromium\`, or set RUNMETA_CHROMIUM to a Chromium binary.`,
});
if (!fs.existsSync(chromium)) {
  console.error(`apt-get finished but ${chromium} is still missing`);
  process.exit(1);
}
