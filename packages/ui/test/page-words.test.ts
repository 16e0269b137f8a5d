/**
 * Errors in the dashboard's words: real refusals of core, asked through the
 * in-page API (as the docs playground asks) and through the real HTTP server
 * (as `runmeta ui` does), said by the filter bar's labels and the address's
 * parameters — never by SDK names (`options.sort`, `getAllRuns(…)`).
 */
import type { MetadataManager } from '@runmeta/core';
import { openRunDatabase } from '@runmeta/node-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, makeTempDir, removeDir } from '../../../test-support/temp-files.js';
import { inPageWords } from '../app/src/page-words.js';
import { createHttpRunsApi, createRunsApi, type RunsApi } from '../src/index.js';
import { startUiServer, type UiServer } from '../src/server.js';

let dir: string;
let manager: MetadataManager;
let server: UiServer;
const apis: Record<string, RunsApi> = {};

beforeAll(async () => {
  dir = makeTempDir('ui-words');
  manager = await openRunDatabase(copyFixture('deployed-v2-32col-110runs.db', dir), {
    readOnly: true,
  });
  apis['in the page'] = createRunsApi(manager);
  server = await startUiServer({ api: apis['in the page'], port: 0 });
  apis['over HTTP'] = createHttpRunsApi({ baseUrl: server.url });
});
afterAll(async () => {
  await server?.close();
  await manager?.close();
  removeDir(dir);
});

/** What `ask` was refused with, as a page says it. */
async function said(ask: Promise<unknown>) {
  const error = await ask.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).not.toBeNull();
  return inPageWords(error);
}

describe.each(['in the page', 'over HTTP'])('an error asked %s', (via) => {
  const api = () => apis[via]!;

  it('names a bad sort by the address, and says to click a heading', async () => {
    const { problem, hint } = await said(api().list({ sort: 'bogus' }));
    expect(problem).toMatch(/^Invalid sort \(sort= in the address\): unknown order "bogus"/);
    expect(hint).toMatch(/column's heading/);
  });

  it('names a bad cursor as the page in the address', async () => {
    const { problem, hint } = await said(api().list({ cursor: 'garbage' }));
    expect(problem).toMatch(/^Invalid page \(after= in the address\): "garbage"/);
    expect(hint).toMatch(/remove after=/);
  });

  it("names a filter by the bar's label (templateId is template, causalMode mode)", async () => {
    expect((await said(api().count({ since: 'garbage' }))).problem).toMatch(/^Invalid since: /);
    const mode = await said(api().count({ causalMode: 'sideways' as never }));
    expect(mode.problem).toMatch(/^Invalid mode: .*"sideways"/);
    expect(mode.hint).toBe('Fix mode in the filter bar');
  });

  it('keeps the where caret, which points at the fault', async () => {
    const { problem, hint } = await said(api().count({ where: "status = 'failed' and" }));
    expect(problem).toMatch(/^Invalid where: /);
    expect(hint).toMatch(/\n\s*\^/);
  });

  it('looks for a missing run in the run list, not with an SDK call', async () => {
    const { problem, hint } = await said(api().run('does-not-exist'));
    expect(problem).toBe('Run "does-not-exist" not found');
    expect(hint).toMatch(/run list/);
  });

  it('never says an SDK name', async () => {
    for (const ask of [
      api().list({ sort: 'cost:sideways' }),
      api().summarize({ until: 'then' }),
      api().activity({ by: 'year' as never }),
      api().run('nope'),
    ]) {
      const { problem, hint } = await said(ask);
      expect(`${problem} ${hint}`).not.toMatch(/options\.|filter\.|includeArchive|getAllRuns/);
    }
  });
});
