/**
 * The `runmeta ui` server on a real socket, answering a copy of the shared
 * 110-run fixture opened read-only: every answer checked against plain
 * better-sqlite3 queries of the same file, and what the server refuses (a
 * foreign Host, a write method, a path out of the app's folder, a taken port).
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { MetadataManager } from '@runmeta/core';
import { openRunDatabase } from '@runmeta/node-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, makeTempDir, removeDir, sha256 } from '../../../test-support/temp-files.js';
import {
  ApiError,
  createHttpRunsApi,
  createRunsApi,
  databaseVersion,
  type RunsApi,
} from '../src/index.js';
import { startUiServer, type UiServer, UiServerError } from '../src/server.js';
import { plainRows } from './plain.js';

let dir: string;
let file: string;
let before: string;
let manager: MetadataManager;
let server: UiServer;
let api: RunsApi;

/** Rows of a plain read-only query of the fixture copy (independent of runmeta). */
function plain<T>(sql: string, params: unknown[] = []): T[] {
  return plainRows<T>(file, sql, params);
}

/** A raw request: status, headers and body text, with any Host header. */
function request(
  pathname: string,
  options: { method?: string; host?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: pathname,
        method: options.method ?? 'GET',
        headers: { host: options.host ?? `127.0.0.1:${server.port}` },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = makeTempDir('ui-server');
  file = copyFixture('deployed-v2-32col-110runs.db', dir);
  before = sha256(file);
  // The app's folder, and a file beside it that must never be served.
  fs.mkdirSync(path.join(dir, 'app', 'assets'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'app', 'index.html'), '<!doctype html><title>runmeta</title>');
  fs.writeFileSync(path.join(dir, 'app', 'assets', 'app.js'), 'console.log(1);');
  fs.writeFileSync(path.join(dir, 'app', 'assets', 'index-B80bSORh.js'), 'console.log(2);');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'not for the web');
  manager = await openRunDatabase(file, { readOnly: true });
  server = await startUiServer({
    api: createRunsApi(manager),
    port: 0,
    appDir: path.join(dir, 'app'),
  });
  api = createHttpRunsApi({ baseUrl: server.url });
});

afterAll(async () => {
  await server?.close();
  await manager?.close();
  removeDir(dir);
});

describe('the API over HTTP', () => {
  it('pages through every run by cost, most expensive first, as SQLite orders them', async () => {
    const expected = plain<{ run_id: string }>(
      'SELECT run_id FROM runs ORDER BY cost_usd IS NULL, cost_usd DESC, run_id DESC',
    ).map((r) => r.run_id);
    const seen: string[] = [];
    let page = await api.list({ sort: 'cost:desc', limit: 7 });
    seen.push(...page.runs.map((r) => r.runId));
    while (page.nextCursor) {
      page = await api.list({ sort: 'cost:desc', limit: 7, cursor: page.nextCursor });
      seen.push(...page.runs.map((r) => r.runId));
    }
    expect(seen).toEqual(expected);
    expect(seen).toHaveLength(110);
  });

  it('counts, summarizes and covers as plain SQL does', async () => {
    const [{ n }] = plain<{ n: number }>(
      "SELECT count(*) AS n FROM runs WHERE status = 'failed' AND cost_usd > 0.01",
    ) as [{ n: number }];
    expect(await api.count({ where: "status = 'failed' and cost_usd > 0.01" })).toBe(n);

    const byStatus = plain<{ status: string; n: number }>(
      'SELECT status, count(*) AS n FROM runs GROUP BY status',
    );
    const summary = await api.summarize({ by: 'status' });
    expect(Object.fromEntries(summary.groups.map((g) => [g.key, g.runs]))).toEqual(
      Object.fromEntries(byStatus.map((r) => [r.status, r.n])),
    );
    const [{ cost }] = plain<{ cost: number }>('SELECT sum(cost_usd) AS cost FROM runs') as [
      { cost: number },
    ];
    expect(summary.totals.costUsd).toBeCloseTo(cost, 9);

    const pairs = plain<{ template_id: string; mechanism: string; runs: number }>(
      'SELECT r.template_id, m.mechanism, count(DISTINCT m.run_id) AS runs FROM mechanism_usage m JOIN runs r USING (run_id) GROUP BY 1, 2',
    );
    const coverage = await api.coverage();
    const cells = new Map(coverage.cells.map((c) => [`${c.templateId}|${c.mechanism}`, c.runs]));
    expect(cells.size).toBe(pairs.length);
    for (const p of pairs) expect(cells.get(`${p.template_id}|${p.mechanism}`)).toBe(p.runs);
  });

  it('answers activity per day and status, and the compliance histogram, as plain SQL does', async () => {
    const perDay = plain<{ day: string; status: string; n: number; cost: number | null }>(
      'SELECT substr(started_at, 1, 10) AS day, status, count(*) AS n, sum(cost_usd) AS cost FROM runs GROUP BY 1, 2',
    );
    const { periods } = await api.activity({ by: 'day' });
    expect(periods.map((p) => p.period)).toEqual([...new Set(perDay.map((r) => r.day))].sort());
    for (const row of perDay) {
      const cell = periods.find((p) => p.period === row.day)!.byStatus[row.status as 'failed'];
      expect(cell.runs).toBe(row.n);
      expect(cell.costUsd).toBeCloseTo(row.cost ?? 0, 9);
    }
    const values = plain<{ c: number }>(
      'SELECT token_budget_compliance AS c FROM runs WHERE token_budget_compliance IS NOT NULL',
    ).map((r) => r.c);
    const histogram = await api.histogram({ field: 'compliance', bins: 16 });
    expect(histogram.runs).toBe(values.length);
    for (const bin of histogram.bins) {
      expect(bin.runs).toBe(values.filter((v) => v >= bin.from && v < bin.to).length);
    }
    expect(histogram.bins.reduce((s, b) => s + b.runs, 0)).toBe(values.length);
    // A field that is not a number is refused, naming the option.
    const refused = await api.histogram({ field: 'template' as never }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(400);
    expect((refused as ApiError).problem).toContain('field');
  });

  it('shows one run with its events, validations and snapshot text', async () => {
    const [{ run_id: runId }] = plain<{ run_id: string }>(
      'SELECT run_id FROM mechanism_usage GROUP BY run_id ORDER BY count(*) DESC, run_id LIMIT 1',
    ) as [{ run_id: string }];
    const detail = await api.run(runId);
    expect(detail.run.runId).toBe(runId);
    const count = (table: string) =>
      plain<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE run_id = ?`, [runId])[0]!.n;
    expect(detail.mechanisms).toHaveLength(count('mechanism_usage'));
    expect(detail.resolutions).toHaveLength(count('resolution_assignments'));
    expect(detail.validations).toHaveLength(count('validations'));
    expect(detail.snapshot).toContain(runId);
  });

  it('compares runs with deltas against the baseline', async () => {
    const rows = plain<{ run_id: string; cost_usd: number }>(
      'SELECT run_id, cost_usd FROM runs ORDER BY run_id LIMIT 3',
    );
    const ids = rows.map((r) => r.run_id);
    const comparison = await api.compare(ids, { baseline: ids[1] });
    expect(comparison.runs.map((r) => r.runId)).toEqual(ids);
    const cost = comparison.fields.find((f) => f.field === 'costUsd')!;
    expect(cost.values).toEqual(rows.map((r) => r.cost_usd));
    expect(cost.deltas?.[0]?.absolute).toBeCloseTo(rows[0]!.cost_usd - rows[1]!.cost_usd, 12);
  });

  it("refuses bad input with core's typed error: the field, the hint, the caret", async () => {
    const where = await api.list({ where: "status = 'failed' and" }).catch((e: unknown) => e);
    expect(where).toBeInstanceOf(ApiError);
    expect((where as ApiError).status).toBe(400);
    expect((where as ApiError).code).toBe('RUNMETA_VALIDATION');
    expect((where as ApiError).hint).toMatch(/\^/);

    const missing = await api.run('no-such-run').catch((e: unknown) => e);
    expect((missing as ApiError).status).toBe(404);
    expect((missing as ApiError).problem).toMatch(/no-such-run/);

    // An option core does not know is named, not dropped.
    const typo = await request('/api/runs?sortt=cost');
    expect(typo.status).toBe(400);
    expect(JSON.parse(typo.body).error.problem).toMatch(/sortt/);
    // Typed by hand, plain text and numbers work.
    const byHand = await request('/api/runs?status=failed&limit=2');
    expect(byHand.status).toBe(200);
    expect(JSON.parse(byHand.body).runs.map((r: { status: string }) => r.status)).toEqual([
      'failed',
      'failed',
    ]);
  });
});

describe('what the server refuses', () => {
  it('answers only to its own address (no DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, '127.0.0.1:1']) {
      const res = await request('/api/count', { host });
      expect(res.status).toBe(403);
      expect(JSON.parse(res.body).error.problem).toContain(host);
    }
    expect((await request('/api/count', { host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('only reads: a write method is refused and the file stays byte-identical', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const res = await request('/api/runs', { method });
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD');
    }
    expect(sha256(file)).toBe(before);
  });

  it('serves the app and its files, never a file outside its folder', async () => {
    expect((await request('/assets/app.js')).body).toBe('console.log(1);');
    // A file named by its content's hash is kept for good; anything else is checked again.
    const hashed = await request('/assets/index-B80bSORh.js');
    expect(hashed.body).toBe('console.log(2);');
    expect(hashed.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await request('/assets/app.js')).headers['cache-control']).toBe('no-cache');
    expect((await request('/overview')).headers['cache-control']).toBe('no-cache');
    // The app's own routes load its page (history routing).
    for (const route of ['/', '/runs', '/runs/run_1', '/compare?ids=a,b', '/overview']) {
      const res = await request(route);
      expect(res.status).toBe(200);
      expect(res.body).toContain('<title>runmeta</title>');
    }
    for (const attempt of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..\\secret.txt',
    ]) {
      const res = await request(attempt);
      expect(res.body).not.toContain('not for the web');
    }
    // A file that is not there is a 404, not the app's page.
    for (const missing of ['/assets/index-old.js', '/favicon.ico']) {
      const res = await request(missing);
      expect(res.status).toBe(404);
      expect(res.body).not.toContain('<title>runmeta</title>');
    }
    const unknown = await request('/api/nothing');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.hint).toContain('/api/runs');
  });

  it('says so when the port is taken, and frees it on close', async () => {
    const error = await startUiServer({ api: createRunsApi(manager), port: server.port }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UiServerError);
    expect((error as UiServerError).code).toBe('EADDRINUSE');
    expect((error as Error).message).toContain(`127.0.0.1:${server.port} is already in use`);

    const other = await startUiServer({ api: createRunsApi(manager), port: 0 });
    const port = other.port;
    await other.close();
    const again = await startUiServer({ api: createRunsApi(manager), port });
    expect(again.port).toBe(port);
    await again.close();
  });

  it("tells the database's state when given one, and a page's ask for it never throws", async () => {
    // This server was given no state: it tells none.
    expect(await databaseVersion({ baseUrl: server.url })).toBeNull();
    const told = await startUiServer({
      api: createRunsApi(manager),
      port: 0,
      // (`runmeta ui` passes its live manager's dataVersion: cli/test/ui.test.ts writes and sees it change.)
      version: async () => 'state-7',
    });
    try {
      expect(await databaseVersion({ baseUrl: told.url })).toBe('state-7');
    } finally {
      await told.close();
    }
    // Gone (the port closed): nothing can be told, and nothing is thrown.
    expect(await databaseVersion({ baseUrl: told.url })).toBeNull();
  });
});
