/**
 * The built docs site (`pnpm build` makes .vitepress/dist): every internal link
 * resolves, and the playground works end to end in headless Chromium — load a
 * real legacy database, migrate it, and use the dashboard (`@runmeta/ui`) in the page.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath } from '../../../test-support/chromium.js';
import { fixturesDir } from '../../../test-support/legacy-fixtures.js';
import { serveStatic } from '../../../test-support/static-server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const site = path.resolve(here, '../.vitepress/dist');
const output = path.resolve(here, '../test-output');

function htmlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return htmlFiles(file);
    return entry.name.endsWith('.html') ? [file] : [];
  });
}

const idsCache = new Map<string, Set<string>>();
function idsOf(file: string): Set<string> {
  let ids = idsCache.get(file);
  if (!ids) {
    const html = fs.readFileSync(file, 'utf8');
    ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
    idsCache.set(file, ids);
  }
  return ids;
}

describe('the built site', () => {
  beforeAll(() => {
    if (!fs.existsSync(path.join(site, 'index.html'))) {
      throw new Error('Build the site first: `pnpm build` at the repository root');
    }
  });

  it('has every page of the guide, concepts, recipes and references', () => {
    for (const page of [
      'guide/node',
      'guide/browser',
      'guide/cli',
      'concepts/run-model',
      'concepts/schema',
      'concepts/metrics',
      'concepts/snapshot',
      'concepts/reading-runs',
      'migration',
      'recipes/pipeline',
      'recipes/archives',
      'recipes/budget',
      'recipes/stale-runs',
      'recipes/interchange',
      'reference/cli',
      'reference/errors',
      'reference/api/index',
      'playground',
    ]) {
      expect(fs.existsSync(path.join(site, `${page}.html`)), page).toBe(true);
    }
  });

  it('has no broken internal link or anchor', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const file of htmlFiles(site)) {
      const html = fs.readFileSync(file, 'utf8');
      for (const [, href] of html.matchAll(/<a [^>]*href="([^"]+)"/g)) {
        if (!href || /^(https?:|mailto:|data:)/.test(href)) continue;
        const [target = '', anchor] = href.split('#');
        let resolved = target
          ? target.startsWith('/')
            ? path.join(site, target)
            : path.resolve(path.dirname(file), target)
          : file;
        if (fs.existsSync(resolved) && fs.statSync(resolved).isDirectory()) {
          resolved = path.join(resolved, 'index.html');
        }
        checked++;
        const from = path.relative(site, file);
        if (!fs.existsSync(resolved)) broken.push(`${from} → ${href}`);
        else if (
          anchor &&
          resolved.endsWith('.html') &&
          !idsOf(resolved).has(decodeURIComponent(anchor))
        )
          broken.push(`${from} → ${href} (no #${anchor})`);
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it('shows the interchange recipe with its type-checked SDK snippets', () => {
    const html = fs.readFileSync(path.join(site, 'recipes/interchange.html'), 'utf8');
    const text = html.replace(/<[^>]+>/g, '');
    for (const shown of ['withChildren', 'importRuns', 'otlpTraceRequest', '--skip-existing']) {
      expect(text.includes(shown), shown).toBe(true);
    }
    expect(text.includes('#region'), 'region markers are not shown').toBe(false);
  });

  it('generates the CLI reference from the command declarations', () => {
    const html = fs.readFileSync(path.join(site, 'reference/cli.html'), 'utf8');
    const text = html.replace(/<[^>]+>/g, '');
    for (const command of ['runmeta migrate', 'runs list', 'record resolution', 'budget check']) {
      expect(text.includes(command), command).toBe(true);
    }
    expect(text.includes('--strategy &amp;lt;name&amp;gt;'), 'no double escaping').toBe(false);
    expect(text.includes('--strategy &lt;name&gt;'), '--strategy <name>').toBe(true);
  });
});

describe('the playground in headless Chromium', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serveStatic>>;

  beforeAll(async () => {
    server = await serveStatic({ '/': site });
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads a real v1 database, migrates it with carry-over, renders table, charts and a snapshot', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.origin}/playground.html`);
    await page.waitForSelector('[data-testid="file-input"]', { state: 'attached' });
    await page.setInputFiles(
      '[data-testid="file-input"]',
      path.join(fixturesDir(), 'deployed-v1-20col-393runs.db'),
    );
    await page
      .waitForSelector('[data-testid="schema-kind"]', { timeout: 20_000 })
      .catch(async () => {
        throw new Error(
          `no status: ${await page.textContent('.rm-playground')} ${errors.join('; ')}`,
        );
      });
    expect(await page.textContent('[data-testid="schema-kind"]')).toBe('v1-deployed-20');
    await page.selectOption('[data-testid="strategy"]', 'carry-over');
    await page.check('.rm-migrate input[type="checkbox"]');
    await page.click('[data-testid="migrate"]');
    // The dashboard runmeta ui serves, on the migrated database in this page.
    const dashboard = page.frameLocator('[data-testid="dashboard"]');
    await expect
      .poll(() => dashboard.locator('h1').textContent(), { timeout: 30_000 })
      .toContain('(393)');
    expect(await page.textContent('[data-testid="schema-kind"]')).toBe('v2');
    expect(await dashboard.locator('table[data-test="runs"] tbody tr').count()).toBe(50);
    // A filter narrows the list (and stays in the frame's URL).
    await dashboard.locator('select[name="status"]').selectOption('failed');
    await expect.poll(() => dashboard.locator('h1').textContent()).not.toContain('(393)');
    // One run: its snapshot text.
    await dashboard.locator('table[data-test="runs"] tbody tr td:nth-child(2) a').first().click();
    await expect
      .poll(() => dashboard.locator('pre[data-test="snapshot"]').textContent())
      .toMatch(/Fidelity Distribution/);
    // The overview: charts drawn by uPlot, the runs counted.
    await dashboard.getByRole('link', { name: 'Overview' }).click();
    await dashboard.locator('[data-test="kpis"] strong').first().waitFor();
    expect(await dashboard.locator('[data-test="kpis"]').textContent()).toContain('393');
    await expect.poll(() => dashboard.locator('.uplot canvas').count()).toBeGreaterThan(2);
    fs.mkdirSync(output, { recursive: true });
    await page.screenshot({ path: path.join(output, 'playground.png'), fullPage: true });
    // The page does not grow sideways (the dashboard scrolls inside its frame).
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      1280,
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('loads the demo database and shows its plan before migrating', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/playground.html`);
    await page.click('[data-testid="load-demo"]');
    await page.waitForSelector('[data-testid="schema-kind"]');
    expect(await page.textContent('[data-testid="schema-kind"]')).toBe('v1-documented');
    expect(await page.textContent('[data-testid="status"] pre')).toMatch(/archive/);
    await page.click('[data-testid="migrate"]');
    // Archive strategy: the 400 v1 runs are read from the archive, on demand.
    const dashboard = page.frameLocator('[data-testid="dashboard"]');
    await expect
      .poll(() => dashboard.locator('h1').textContent(), { timeout: 30_000 })
      .toContain('(0)');
    await dashboard.locator('input[name="archive"]').check();
    await expect.poll(() => dashboard.locator('h1').textContent()).toContain('(400)');
    await page.close();
  });
});
