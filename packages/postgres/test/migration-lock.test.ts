/**
 * The migration lock on a server is a session-level advisory lock: processes that
 * open one v1 database together produce exactly one migration, a waiting process
 * is told who holds the lock, and a killed holder never blocks anyone (the server
 * releases its session's locks).
 */
import { randomBytes } from 'node:crypto';
import { DatabaseLockedError, MetadataManager } from '@runmeta/core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFixtures } from '../../../test-support/legacy-fixtures.js';
import { createPostgresAdapter, parsePostgresUrl } from '../src/index.js';
import { postgresUrl } from './support.js';
import { killWorker, startWorker } from './workers.js';

const fixtures = loadFixtures();
const made: string[] = [];

function database() {
  const schema = `lock_${randomBytes(4).toString('hex')}`;
  const db = `${postgresUrl()}?schema=${schema}`;
  const url = parsePostgresUrl(db);
  made.push(schema);
  return { db, url, adapter: createPostgresAdapter({ connectionString: url.connectionString }) };
}

afterAll(async () => {
  const adapter = createPostgresAdapter({ connectionString: postgresUrl() });
  for (const name of await adapter.list()) {
    if (made.some((schema) => name.startsWith(schema))) await adapter.remove(name);
  }
  await adapter.end();
});

describe('the PostgreSQL migration lock', () => {
  it('four processes opening one v1 database migrate it exactly once', async () => {
    const { db, url, adapter } = database();
    await adapter.writeBytes(url.database, fixtures['deployed-v1-20col-393runs.db']!);
    const workers = Array.from({ length: 4 }, () =>
      startWorker('migrate', { db, strategy: 'carry-over' }),
    );
    await Promise.all(workers.map((w) => w.waitFor('ready')));
    for (const worker of workers) worker.send('go');
    const exits = await Promise.all(workers.map((w) => w.exit));
    for (const exit of exits) expect(exit.code, exit.stdout + exit.stderr).toBe(0);
    const actions = workers.map((w) => w.messages.find((m) => m.event === 'opened')?.migration);
    expect(actions.filter((a) => a === 'migrate')).toHaveLength(1);
    expect(actions.filter((a) => a === null)).toHaveLength(3);
    const manager = await MetadataManager.open({ adapter, database: url.database });
    expect(
      (await manager.query("SELECT kind FROM runmeta_migrations WHERE kind = 'migrate'")).length,
    ).toBe(1);
    expect(await manager.getAllRuns()).toHaveLength(393);
    await manager.close();
    expect((await adapter.list()).filter((name) => name.startsWith(url.schema)).sort()).toEqual(
      [url.database, `${url.schema}_v1_archive.db`].sort(),
    );
    await adapter.end();
  });

  it('names the holder while it waits, and a killed holder blocks no one', async () => {
    const { db, url, adapter } = database();
    const holder = startWorker('hold-lock', { db });
    await holder.waitFor('locked');
    const error = await adapter.lock!(url.database, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseLockedError);
    expect((error as Error).message).toMatch(/migration lock: runmeta pid \d+ on .*server pid \d+/);
    await killWorker(holder);
    const release = await adapter.lock!(url.database, { timeoutMs: 10_000 });
    await release();
    await adapter.end();
  });
});
