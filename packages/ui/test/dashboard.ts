/**
 * The setting of the dashboard's Chromium tests: the built app (`pnpm build`
 * makes dist/app) served by the real server over a copy of the shared 110-run
 * fixture, one page per test, its console errors collected. Answers are checked
 * against plain better-sqlite3 queries of the same file (`plain`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MetadataManager } from '@runmeta/core';
import { openRunDatabase } from '@runmeta/node-sqlite';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath } from '../../../test-support/chromium.js';
import { copyFixture, makeTempDir, removeDir } from '../../../test-support/temp-files.js';
import { createRunsApi } from '../src/index.js';
import { startUiServer, type UiServer, type UiServerOptions } from '../src/server.js';
import { plainRows } from './plain.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const appDir = path.resolve(here, '../dist/app');
/** Where screenshots go (test output, not checked in). */
export const output = path.resolve(here, '../test-output');

/** What a test sees: its page, the server, the fixture file and the errors so far. */
export interface Dashboard {
  page: Page;
  server: UiServer;
  dir: string;
  /** The served copy of the fixture. */
  file: string;
  consoleErrors: string[];
  /** Rows of `sql` read from the served file, without runmeta. */
  plain<T>(sql: string, params?: unknown[]): T[];
}

/** How a test file's server answers. */
export interface DashboardOptions {
  /**
   * The server's APIs, made of a live read-only manager of the copy (so the
   * test may write to it meanwhile). Default: `createRunsApi` of a plain
   * read-only manager.
   */
  apis?(manager: MetadataManager): Pick<UiServerOptions, 'api' | 'kept' | 'version'>;
  /**
   * The shared fixture to serve a copy of (default the 110-run v2 file). A v1
   * file is migrated first, as a first open does: its runs move to the v1
   * archive beside it (`runs_v1_archive.db`), the active database starts empty.
   */
  fixture?: string;
}

/** Register the hooks of a dashboard test file; the fields are set once they have run. */
export function useDashboard(options: DashboardOptions = {}): Dashboard {
  let file: string;
  let manager: MetadataManager;
  let browser: Browser;
  const d = {
    consoleErrors: [],
    plain: <T>(sql: string, params: unknown[] = []) => plainRows<T>(file, sql, params),
  } as unknown as Dashboard;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(appDir, 'index.html'))) {
      throw new Error('Build the dashboard first: `pnpm build` at the repository root');
    }
    d.dir = makeTempDir('ui-app');
    file = d.file = copyFixture(options.fixture ?? 'deployed-v2-32col-110runs.db', d.dir);
    if (options.fixture?.includes('-v1-')) await (await openRunDatabase(file)).close();
    manager = await openRunDatabase(file, { readOnly: true, live: options.apis !== undefined });
    const apis = options.apis?.(manager) ?? { api: createRunsApi(manager) };
    d.server = await startUiServer({ ...apis, port: 0, appDir });
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
    fs.mkdirSync(output, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await d.server?.close();
    await manager?.close();
    removeDir(d.dir);
  });
  beforeEach(async () => {
    d.page = await browser.newPage({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    d.consoleErrors = [];
    d.page.on('console', (m) => {
      if (m.type() === 'error') d.consoleErrors.push(m.text());
    });
    d.page.on('pageerror', (e) => d.consoleErrors.push(String(e)));
  });
  afterEach(async () => {
    await d.page.close();
  });
  return d;
}
