/**
 * The package in real headless Chromium, driven by playwright-core: the
 * self-contained bundle in a plain module page and the npm package in a
 * Vite-built app, IndexedDB across reloads, two tabs on one store, the real
 * fixtures, the size limit. Everything is served from one loopback origin, and
 * every request the pages make is checked to stay on it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import initSqlJs from 'sql.js';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath } from '../../../../test-support/chromium.js';
import { fixturesDir, loadFixtures } from '../../../../test-support/legacy-fixtures.js';
import { serveStatic } from '../../../../test-support/static-server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(here, '../..');
const dist = path.join(packageDir, 'dist');

type Runmeta = typeof import('../../src/index.js');
declare global {
  interface Window {
    runmeta: Runmeta;
  }
}

let browser: Browser;
let server: Awaited<ReturnType<typeof serveStatic>>;
let viteOut: string;
const offOrigin: string[] = [];

/** Runs per fixture, counted by plain sql.js in Node (no runmeta code involved). */
async function expectedRuns(): Promise<Record<string, number>> {
  const SQL = await initSqlJs();
  const counts: Record<string, number> = {};
  for (const [name, bytes] of Object.entries(loadFixtures())) {
    // sql.js reads WAL-mode files once the header says rollback journal (bytes 18-19).
    if (bytes[18] === 2) bytes[18] = bytes[19] = 1;
    const db = new SQL.Database(bytes);
    counts[name] = Number(db.exec('SELECT count(*) FROM runs')[0]!.values[0]![0]);
    db.close();
  }
  return counts;
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(dist, 'runmeta-browser.js'))) {
    throw new Error('Build the package first (the root `check` and `build` scripts do)');
  }
  viteOut = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeta-vite-app-'));
  await build({
    root: path.join(here, 'vite-app'),
    configFile: false,
    logLevel: 'warn',
    // Resolve the package as an app would: its built dist, through its exports.
    resolve: { alias: { '@runmeta/browser-wasm': path.join(dist, 'index.js') } },
    base: '/vite/',
    build: { outDir: viteOut, emptyOutDir: true, target: 'es2022' },
  });
  server = await serveStatic({
    '/dist/': dist,
    '/fixtures/': fixturesDir(),
    '/vite/': viteOut,
    '/': path.join(here, 'pages'),
  });
  browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (viteOut) fs.rmSync(viteOut, { recursive: true, force: true });
  expect(offOrigin, 'requests that left the page origin').toEqual([]);
});

async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext();
  context.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(server.origin) && !url.startsWith('data:') && !url.startsWith('blob:'))
      offOrigin.push(url);
  });
  return context;
}

async function plainPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  await page.goto(`${server.origin}/plain.html`);
  await page.waitForSelector('body[data-ready="yes"]', { state: 'attached' });
  return page;
}

describe('a plain <script type="module"> page (self-contained bundle)', () => {
  it('keeps runs in IndexedDB across a reload; flush() alone makes them durable', async () => {
    const context = await newContext();
    const page = await plainPage(context);
    const persisted = await page.evaluate(async () => {
      const store = await window.runmeta.openBrowserStore({ name: 'reload' });
      const manager = await store.open();
      for (const id of ['a', 'b']) {
        await manager.startRun({
          runId: id,
          templateId: 'board_meeting',
          causalMode: 'forward',
          tokenBudget: 1000,
        });
        await manager.recordBatch(id, {
          mechanisms: [{ mechanism: 'M1', functionName: 'f' }],
          resolutions: [{ entityId: 'ceo', resolution: 'dialog', timepointId: 'tp1' }],
        });
        await manager.completeRun(id, {
          entitiesCreated: 1,
          timepointsCreated: 1,
          costUsd: 0.5,
          tokensUsed: 1200,
        });
      }
      await manager.close();
      await store.close();
      return store.persisted;
    });
    // Chromium implements navigator.storage.persist(): a yes or a no, never "not asked".
    expect(typeof persisted).toBe('boolean');
    console.log(`[runmeta e2e] navigator.storage.persist() granted: ${persisted}`);

    await page.reload();
    await page.waitForSelector('body[data-ready="yes"]', { state: 'attached' });
    const afterReload = await page.evaluate(async () => {
      const store = await window.runmeta.openBrowserStore({ name: 'reload' });
      const manager = await store.open();
      const runs = await manager.getAllRuns();
      // A third run, flushed but the store never closed: the reload drops the page.
      await manager.startRun({ runId: 'c', templateId: 'board_meeting', causalMode: 'forward' });
      await store.flush();
      return runs.map((r) => [r.runId, r.status, r.tokenBudgetCompliance, r.fidelityDistribution]);
    });
    expect(afterReload).toEqual([
      ['a', 'completed', 1.2, { dialog: 1 }],
      ['b', 'completed', 1.2, { dialog: 1 }],
    ]);

    await page.reload();
    await page.waitForSelector('body[data-ready="yes"]', { state: 'attached' });
    const ids = await page.evaluate(async () => {
      // The previous page never released its lock: the browser did when it unloaded.
      const store = await window.runmeta.openBrowserStore({ name: 'reload', lockTimeoutMs: 5000 });
      const manager = await store.open();
      const runs = (await manager.getAllRuns()).map((r) => `${r.runId}:${r.status}`);
      await manager.close();
      await store.close();
      return runs;
    });
    expect(ids).toEqual(['a:completed', 'b:completed', 'c:running']);
    await context.close();
  });

  it('lets one tab write at a time: a second writer waits or fails naming the lock; readers read', async () => {
    const context = await newContext();
    const [first, second] = [await plainPage(context), await plainPage(context)];
    await first.evaluate(async () => {
      const store = await window.runmeta.openBrowserStore({ name: 'tabs' });
      const manager = await store.open();
      await manager.startRun({ runId: 'from-first', templateId: 't', causalMode: 'forward' });
      await store.flush();
      Object.assign(window, { held: { store, manager } });
    });

    const refused = await second.evaluate(async () => {
      try {
        await window.runmeta.openBrowserStore({ name: 'tabs', lockTimeoutMs: 300 });
        return null;
      } catch (error) {
        return { code: (error as { code?: string }).code, message: (error as Error).message };
      }
    });
    expect(refused?.code).toBe('RUNMETA_LOCKED');
    expect(refused?.message).toMatch(/another tab is writing/);

    const readerSees = await second.evaluate(async () => {
      const store = await window.runmeta.openBrowserStore({ name: 'tabs', access: 'read' });
      const manager = await store.open();
      const runs = (await manager.getAllRuns()).map((r) => r.runId);
      const write = await manager.startRun({ templateId: 't', causalMode: 'forward' }).then(
        () => 'written',
        (error: { code?: string }) => error.code,
      );
      await manager.close();
      await store.close();
      return { runs, write };
    });
    expect(readerSees).toEqual({ runs: ['from-first'], write: 'RUNMETA_READ_ONLY' });

    // A waiting writer gets the lock when the first tab closes, and sees its last write.
    const waiting = second.evaluate(async () => {
      const store = await window.runmeta.openBrowserStore({ name: 'tabs', lockTimeoutMs: 20_000 });
      const manager = await store.open();
      await manager.startRun({ runId: 'from-second', templateId: 't', causalMode: 'forward' });
      const runs = (await manager.getAllRuns()).map((r) => r.runId);
      await manager.close();
      await store.close();
      return runs;
    });
    await first.evaluate(async () => {
      const { store, manager } = (
        window as unknown as {
          held: {
            store: { close(): Promise<void> };
            manager: { startRun(i: object): Promise<unknown>; close(): Promise<void> };
          };
        }
      ).held;
      await manager.startRun({ runId: 'first-last', templateId: 't', causalMode: 'forward' });
      await manager.close();
      await store.close();
    });
    expect(await waiting).toEqual(['from-first', 'first-last', 'from-second']);
    await context.close();
  });

  it('opens, migrates and lists every real fixture; times the 4 MB file', async () => {
    const expected = await expectedRuns();
    const context = await newContext();
    const page = await plainPage(context);
    const results = await page.evaluate(async (names) => {
      const out: Record<string, { runs: number; ms: number; bytes: number; kind: string }> = {};
      for (const name of names) {
        const bytes = new Uint8Array(await (await fetch(`/fixtures/${name}`)).arrayBuffer());
        const store = await window.runmeta.openBrowserStore({
          name: `fixture-${name}`,
          autosaveMs: false,
        });
        await store.importDatabase(bytes);
        const started = performance.now();
        const manager = await store.open({ migration: { strategy: 'carry-over' } });
        const runs = await manager.getAllRuns({ withMechanisms: true });
        const ms = performance.now() - started;
        const kind = `${manager.detection.kind} → ${manager.migration?.action ?? 'none'}`;
        await manager.close();
        await store.close();
        out[name] = { runs: runs.length, ms, bytes: bytes.length, kind };
      }
      return out;
    }, Object.keys(expected));
    for (const [name, count] of Object.entries(expected)) {
      expect(results[name]?.runs, name).toBe(count);
      expect(results[name]?.kind, name).toMatch(
        /^v1-deployed-\d+ → migrate$|^v2-missing-columns → repair$/,
      );
    }
    const largest = Object.entries(results).sort((a, b) => b[1].bytes - a[1].bytes)[0]!;
    // The default (archive) strategy: open, then list the archived runs.
    const archive = await page.evaluate(async (name) => {
      const bytes = new Uint8Array(await (await fetch(`/fixtures/${name}`)).arrayBuffer());
      const store = await window.runmeta.openBrowserStore({
        name: `archive-${name}`,
        autosaveMs: false,
      });
      await store.importDatabase(bytes);
      const started = performance.now();
      const manager = await store.open();
      const runs = await manager.getAllRuns({ includeArchive: true, withMechanisms: true });
      const ms = performance.now() - started;
      await manager.close();
      await store.close();
      return { runs: runs.length, ms };
    }, largest[0]);
    expect(archive.runs).toBe(expected[largest[0]]);
    console.log(
      `[runmeta e2e] Chromium: open (archive migration) + list all runs of ${largest[0]}: ${archive.ms.toFixed(0)} ms`,
    );
    console.log(
      `[runmeta e2e] Chromium: open (with carry-over migration) + list all runs of ${largest[0]} ` +
        `(${(largest[1].bytes / 2 ** 20).toFixed(1)} MiB, ${largest[1].runs} runs): ${largest[1].ms.toFixed(0)} ms`,
    );
    await context.close();
  });

  it('refuses a database above maxBytes with a typed error and keeps the store as it was', async () => {
    const context = await newContext();
    const page = await plainPage(context);
    const outcome = await page.evaluate(async () => {
      const bytes = new Uint8Array(
        await (await fetch('/fixtures/deployed-v1-20col-393runs.db')).arrayBuffer(),
      );
      const store = await window.runmeta.openBrowserStore({ name: 'limit', maxBytes: 1_000_000 });
      const small = new Uint8Array(
        await (await fetch('/fixtures/deployed-v1-18col-9runs.db')).arrayBuffer(),
      );
      await store.importDatabase(small);
      const error = await store.importDatabase(bytes, { replace: true }).then(
        () => null,
        (e: { code?: string; message: string }) => ({ code: e.code, message: e.message }),
      );
      const kept = await store.exportDatabase();
      const garbage = await store
        .importDatabase(new TextEncoder().encode('not a database at all'.repeat(10)), {
          name: 'x.db',
        })
        .then(
          () => null,
          (e: { code?: string }) => e.code,
        );
      const duplicate = await store.importDatabase(small).then(
        () => null,
        (e: { code?: string }) => e.code,
      );
      await store.close();
      // What IndexedDB holds, read back by a new store.
      const reopened = await window.runmeta.openBrowserStore({ name: 'limit', access: 'read' });
      const persisted = await reopened.exportDatabase();
      const names = await reopened.list();
      await reopened.close();
      return {
        error,
        keptSame:
          kept.length === small.length &&
          kept.every((b, i) => b === small[i]) &&
          persisted.length === small.length &&
          persisted.every((b, i) => b === small[i]),
        garbage,
        duplicate,
        names,
      };
    });
    expect(outcome.error?.code).toBe('RUNMETA_TOO_LARGE');
    expect(outcome.error?.message).toMatch(/3\.7 MiB, above the 1\.0 MiB limit/);
    expect(outcome).toMatchObject({
      keptSame: true,
      garbage: 'RUNMETA_NOT_A_DATABASE',
      duplicate: 'RUNMETA_ARCHIVE_CONFLICT',
      names: ['runs.db'],
    });
    await context.close();
  });

  it('exports bytes another SQLite reads: the migrated database with its archive beside it', async () => {
    const context = await newContext();
    const page = await plainPage(context);
    const exported = await page.evaluate(async () => {
      const store = await window.runmeta.openBrowserStore({ name: 'export' });
      const bytes = new Uint8Array(
        await (await fetch('/fixtures/deployed-v1-18col-9runs.db')).arrayBuffer(),
      );
      await store.importDatabase(bytes);
      const manager = await store.open(); // archive strategy
      await manager.startRun({ runId: 'new', templateId: 't', causalMode: 'forward' });
      const out = { active: Array.from(await store.exportDatabase()), names: await store.list() };
      await manager.close();
      await store.close();
      return out;
    });
    expect(exported.names).toEqual(['runs.db', 'runs_v1_archive.db']);
    const SQL = await initSqlJs();
    const db = new SQL.Database(new Uint8Array(exported.active));
    expect(db.exec('SELECT run_id, schema_version FROM runs')[0]!.values).toEqual([['new', '2.0']]);
    db.close();
    await context.close();
  });
});

describe('an app built by Vite with the npm package', () => {
  it('loads the wasm from its own origin and reads a dropped v1 database', async () => {
    const context = await newContext();
    const page = await context.newPage();
    const wasm: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('.wasm')) wasm.push(request.url());
    });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(`${server.origin}/vite/index.html`);
    await page
      .waitForSelector('body[data-runs], body[data-error]', { state: 'attached', timeout: 10_000 })
      .catch(() => {
        throw new Error(`the Vite app did not finish: ${problems.join('; ') || 'no error'}`);
      });
    expect(await page.evaluate(() => document.body.dataset.error)).toBeUndefined();
    expect(await page.evaluate(() => document.body.dataset.runs)).toBe('9');
    expect(wasm).toHaveLength(1);
    expect(wasm[0]).toMatch(new RegExp(`^${server.origin}/vite/assets/sql-wasm-.*\\.wasm$`));
    await context.close();
  });
});
