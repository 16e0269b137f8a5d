/**
 * A database name is a schema name, used as an identifier end to end: upper
 * case, dots and spaces stay what they are. Checked against the server's own
 * catalogue with a plain node-postgres client, never through runmeta.
 */
import path from 'node:path';
import { importRunDatabase, MetadataManager } from '@runmeta/core';
import { createNodeSqliteAdapter } from '@runmeta/node-sqlite';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { copyFixture, makeTempDir, removeDir } from '../../../test-support/temp-files.js';
import { createPostgresAdapter } from '../src/index.js';
import { dropTestSchemas, freshAdapter, postgresUrl } from './support.js';

const temp = makeTempDir('pg-names');
const fixtureDir = path.dirname(copyFixture('deployed-v1-18col-9runs.db', temp));
afterAll(async () => {
  removeDir(temp);
  await dropTestSchemas();
});

/** A plain query on the test server. */
async function plain<T extends pg.QueryResultRow>(text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: postgresUrl() });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Every schema whose name starts with `prefix`, as the server spells it. */
const schemasStartingWith = async (prefix: string) =>
  (
    await plain<{ nspname: string }>(
      'SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1) ORDER BY nspname',
      [prefix],
    )
  ).map((r) => r.nspname);

describe('schema names that need quoting', () => {
  it.each(['Mixd', 'Runs', 'a.b', 'x y'])(
    '%s: a write lands in exactly that schema, and reads find it there',
    async (name) => {
      const adapter = freshAdapter();
      const schema = adapter.schemaFor(`${name}.db`);
      const prefix = schema.slice(0, schema.length - name.length);
      const manager = await MetadataManager.open({ adapter, database: `${name}.db` });
      const run = await manager.startRun({ templateId: 't', causalMode: 'forward' });
      expect((await manager.getAllRuns()).map((r) => r.runId)).toEqual([run.runId]);
      expect(await manager.runsColumns()).toHaveLength(1);
      await manager.close();

      // The server holds one schema for it, named exactly, with the run in it.
      expect(await schemasStartingWith(prefix)).toEqual([schema]);
      const rows = await plain<{ run_id: string }>(
        `SELECT run_id FROM ${pg.escapeIdentifier(schema)}.runs`,
      );
      expect(rows.map((r) => r.run_id)).toEqual([run.runId]);
    },
  );
});

describe('a database whose schema is another database’s working name', () => {
  it('is never moved or dropped by work on that other database', async () => {
    const adapter = freshAdapter();
    const kept: Record<string, string> = {};
    for (const name of ['w.importing', 'w.v2-building']) {
      const manager = await MetadataManager.open({ adapter, database: `${name}.db` });
      kept[name] = (await manager.startRun({ templateId: 't', causalMode: 'forward' })).runId;
      await manager.close();
    }
    const source = createNodeSqliteAdapter({ directory: fixtureDir });
    const imported = await importRunDatabase({
      from: { adapter: source, database: 'runs.db' },
      to: { adapter, database: 'w.db' },
    }).catch((e: unknown) => e);
    expect(imported).toMatchObject({
      code: 'RUNMETA_ARCHIVE_CONFLICT',
      message: expect.stringContaining('holds the runmeta database w.importing.db'),
    });
    const created = await MetadataManager.open({ adapter, database: 'w.db' }).catch(
      (e: unknown) => e,
    );
    expect(created).toMatchObject({
      message: expect.stringContaining('holds the runmeta database w.v2-building.db'),
    });
    // Both are still there, each with its run.
    for (const [name, runId] of Object.entries(kept)) {
      const rows = await plain<{ run_id: string }>(
        `SELECT run_id FROM ${pg.escapeIdentifier(adapter.schemaFor(`${name}.db`))}.runs`,
      );
      expect(rows.map((r) => r.run_id)).toEqual([runId]);
    }
  });
});

describe('schema names PostgreSQL cannot have', () => {
  it('pg_… is refused, saying why, and nothing is created', async () => {
    // No test prefix here: the name itself must start with pg_.
    const adapter = createPostgresAdapter({ connectionString: postgresUrl() });
    const name = `pg_runs_${process.pid}`;
    const error = await MetadataManager.open({ adapter, database: `${name}.db` }).catch(
      (e: unknown) => e,
    );
    await adapter.end();
    expect(error).toMatchObject({
      code: 'RUNMETA_VALIDATION',
      message: expect.stringContaining('starts with pg_, which PostgreSQL keeps for its own'),
    });
    expect(await schemasStartingWith(name)).toEqual([]);
  });

  it.each([
    ['a\0b', 'holds a NUL character'],
    // Fits 63 bytes itself, but not with the working name a migration builds aside.
    [`${'x'.repeat(60 - 11)}é`, 'bytes long, and PostgreSQL names hold at most 63'],
  ])('%j is refused, saying why and what fits, and nothing is created', async (name, why) => {
    const adapter = freshAdapter();
    const prefix = adapter.schemaFor('x.db').slice(0, -1);
    const error = await MetadataManager.open({ adapter, database: `${name}.db` }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain(why);
    expect((error as Error).message).toMatch(/at most \d+ bytes/);
    expect(error).toMatchObject({ code: 'RUNMETA_VALIDATION' });
    expect(await schemasStartingWith(prefix)).toEqual([]);
  });

  it('maps x.db.y.db to the schema x.db.y, keeping the inner .db', async () => {
    const adapter = freshAdapter();
    expect(adapter.schemaFor('x.db.y.db').endsWith('_x.db.y')).toBe(true);
    expect(adapter.schemaFor('x.db.y.db.v2-building').endsWith('_x.db.y.v2-building')).toBe(true);
  });
});
