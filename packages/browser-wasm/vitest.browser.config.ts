/**
 * The core conformance suite and the fixture tests in real headless Chromium
 * (Debian's /usr/bin/chromium through Playwright), on the same sql.js build a page
 * gets. Fixtures are read on the Node side and handed over by a browser command.
 */
import fs from 'node:fs';
import path from 'node:path';
import { playwright } from '@vitest/browser-playwright';
import { defaultClientConditions } from 'vite';
import { defineProject } from 'vitest/config';
import type { BrowserCommand } from 'vitest/node';
import { CHROMIUM_ARGS, chromiumPath } from '../../test-support/chromium.js';
import { fixturesDir } from '../../test-support/legacy-fixtures.js';

/** Every legacy fixture as base64, by file name. */
const readFixtures: BrowserCommand<[]> = () => {
  const dir = fixturesDir();
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .filter((name) => name.endsWith('.db'))
      .map((name) => [name, fs.readFileSync(path.join(dir, name)).toString('base64')]),
  );
};

export default defineProject({
  resolve: { conditions: ['@runmeta/source', ...defaultClientConditions] },
  optimizeDeps: { include: ['sql.js'] },
  test: {
    name: 'browser-wasm:browser',
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 60_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({
        launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS },
      }),
      instances: [{ browser: 'chromium' }],
      commands: { readFixtures },
    },
  },
});
