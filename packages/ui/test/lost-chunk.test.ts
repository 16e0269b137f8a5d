/**
 * A tab that outlived its dashboard (runmeta ui upgraded or rebuilt while it
 * was open): a page's code it asks for is gone. In headless Chromium over a
 * copy of the built app whose overview chunk is then removed, a click on
 * "Overview" loads the page anew once — and a first load whose code is
 * missing does not load itself again and again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MetadataManager } from '@runmeta/core';
import { openRunDatabase } from '@runmeta/node-sqlite';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath } from '../../../test-support/chromium.js';
import { copyFixture, makeTempDir, removeDir } from '../../../test-support/temp-files.js';
import { createRunsApi } from '../src/index.js';
import { startUiServer, type UiServer } from '../src/server.js';

const built = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/app');
let dir: string;
let appDir: string;
let manager: MetadataManager;
let server: UiServer;
let browser: Browser;

beforeAll(async () => {
  dir = makeTempDir('ui-lost-chunk');
  appDir = path.join(dir, 'app');
  fs.cpSync(built, appDir, { recursive: true });
  manager = await openRunDatabase(copyFixture('deployed-v2-32col-110runs.db', dir), {
    readOnly: true,
  });
  server = await startUiServer({ api: createRunsApi(manager), port: 0, appDir });
  browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await manager?.close();
  removeDir(dir);
});

describe('a page whose code is gone', () => {
  it('is loaded anew once from a page already shown, and never over and over', async () => {
    const page = await browser.newPage();
    let loads = 0;
    page.on('load', () => {
      loads += 1;
    });
    await page.goto(`${server.url}/runs`);
    await page.locator('table[data-test="runs"] tbody tr').first().waitFor();
    expect(loads).toBe(1);
    // The dashboard is rebuilt meanwhile: the overview's chunk this tab knows is gone.
    const assets = path.join(appDir, 'assets');
    const chunks = fs.readdirSync(assets).filter((f) => /^OverviewPage-.*\.js$/.test(f));
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) fs.rmSync(path.join(assets, chunk));

    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    await expect.poll(() => loads).toBe(2);
    expect(new URL(page.url()).pathname).toBe('/overview');
    // The new load's code is missing too (nothing was rebuilt here): it stays put.
    await page.waitForTimeout(1500);
    expect(loads).toBe(2);
    await page.close();
  });
});
