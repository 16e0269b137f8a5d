import fs from 'node:fs';

/** Flags for Debian's Chromium in a container without a GPU, sandbox or network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
];

/** Debian's Chromium (RUNMETA_CHROMIUM overrides); `.ci/run` installs it when missing. */
export function chromiumPath(): string {
  const file = process.env.RUNMETA_CHROMIUM ?? '/usr/bin/chromium';
  if (!fs.existsSync(file)) {
    throw new Error(
      `Chromium not found at ${file}: run \`apt-get install -y chromium\` (as .ci/run does) or set RUNMETA_CHROMIUM`,
    );
  }
  return file;
}
