/**
 * A database name is a schema name, used as an identifier end to end: upper
 * case, dots and spaces stay what they are. Checked against the server's own
 * catalogue with a plain node-postgres client, never through runmeta.
 */
import { MetadataManager } from '@runmeta/core';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { dropTestSchemas, freshAdapter, postgresUrl } from './support.js';

afterAll(dropTestSchemas);

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
