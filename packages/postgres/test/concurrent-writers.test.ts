/**
 * Eight real processes write 1,000 complete runs each into one PostgreSQL
 * database at once. They race to create it (one creates, under the advisory
 * migration lock; the others find it made), then interleave their writes.
 * Nothing may fail, and every row must land exactly once. Throughput beside the
 * SQLite file adapter is measured by `pnpm bench` (bench/concurrency.ts).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresAdapter, parsePostgresUrl } from '../src/index.js';
import { postgresUrl } from './support.js';
import { startWorker, type WorkerExit } from './workers.js';

const WORKERS = 8;
const RUNS_PER_WORKER = 1000;
const TOTAL = WORKERS * RUNS_PER_WORKER;

const schema = `writers_${randomBytes(4).toString('hex')}`;
let db: string;
let client: pg.Client;
let exits: WorkerExit[];
let opened: Record<string, unknown>[];

const rows = async (sql: string) => (await client.query(sql)).rows;

beforeAll(async () => {
  db = `${postgresUrl()}?schema=${schema}`;
  client = new pg.Client({ connectionString: parsePostgresUrl(db).connectionString });
  await client.connect();
  await client.query(`SET search_path TO ${schema}`);
  const workers = Array.from({ length: WORKERS }, (_, worker) =>
    startWorker('writer', { db, worker, runs: RUNS_PER_WORKER }),
  );
  await Promise.all(workers.map((w) => w.waitFor('ready')));
  for (const worker of workers) worker.send('go');
  exits = await Promise.all(workers.map((w) => w.exit));
  opened = workers.map((w) => w.messages.find((m) => m.event === 'opened') ?? {});
}, 300_000);

afterAll(async () => {
  await client.end();
  const adapter = createPostgresAdapter({
    connectionString: parsePostgresUrl(db).connectionString,
  });
  await adapter.remove(`${schema}.db`);
  await adapter.end();
});

describe(`${WORKERS} processes × ${RUNS_PER_WORKER} runs into one PostgreSQL database`, () => {
  it('every process exits 0', () => {
    for (const [i, exit] of exits.entries()) {
      expect(exit.code, `worker ${i}: ${exit.stdout}\n${exit.stderr}`).toBe(0);
      expect(exit.stdout).toContain('"event":"done"');
    }
  });

  it('creates the database exactly once', async () => {
    expect(
      (await rows('SELECT kind FROM runmeta_migrations ORDER BY id')).map((r) => r.kind),
    ).toEqual(['create']);
    expect(opened.map((m) => m.migration).filter((m) => m === 'create')).toHaveLength(1);
  });

  it('stores every run and child row exactly once, completed', async () => {
    for (const table of ['runs', 'mechanism_usage', 'resolution_assignments', 'validations']) {
      const [row] = await rows(`SELECT count(*)::int AS n FROM ${table}`);
      expect(row.n, table).toBe(TOTAL);
    }
    expect(await rows('SELECT status, count(*)::int AS n FROM runs GROUP BY status')).toEqual([
      { status: 'completed', n: TOTAL },
    ]);
    expect(
      await rows(
        'SELECT substr(run_id, 1, 2) AS w, count(*)::int AS n FROM runs GROUP BY w ORDER BY w',
      ),
    ).toEqual(Array.from({ length: WORKERS }, (_, i) => ({ w: `w${i}`, n: RUNS_PER_WORKER })));
    const wrong = await rows(
      `SELECT r.run_id FROM runs r
        WHERE (SELECT count(*) FROM mechanism_usage m WHERE m.run_id = r.run_id) <> 1
           OR (SELECT count(*) FROM resolution_assignments a WHERE a.run_id = r.run_id) <> 1
           OR (SELECT count(*) FROM validations v WHERE v.run_id = r.run_id) <> 1`,
    );
    expect(wrong).toEqual([]);
    // completeRun computed the v2 metrics from each run's own rows.
    const [metrics] = await rows(
      `SELECT count(*)::int AS n FROM runs
        WHERE fidelity_distribution = '{"dialog":1}' AND actual_tokens_used >= 9000
          AND token_budget_compliance > 0.89 AND fidelity_efficiency_score > 0`,
    );
    expect(metrics.n).toBe(TOTAL);
  });
});
