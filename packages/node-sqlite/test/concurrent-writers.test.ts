/**
 * Several real processes write runs into one fresh database file at once: they
 * race to create it, then interleave thousands of write transactions. Nothing
 * may fail with a lock error, and every row must land.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countRows,
  integrityCheck,
  makeTempDir,
  plainAll,
  removeDir,
  startWorker,
  type WorkerExit,
} from './process-helpers.js';

const WORKERS = 4;
const RUNS_PER_WORKER = 1000;
const TOTAL = WORKERS * RUNS_PER_WORKER;

let dir: string;
let file: string;
let exits: WorkerExit[];
let opened: Record<string, unknown>[];

beforeAll(async () => {
  dir = makeTempDir('writers');
  file = path.join(dir, 'metadata', 'runs.db');
  const workers = Array.from({ length: WORKERS }, (_, worker) =>
    startWorker('writer', { file, worker, runs: RUNS_PER_WORKER }),
  );
  // Every worker has loaded its code; then all open the (missing) database together.
  await Promise.all(workers.map((w) => w.waitFor('ready')));
  expect(fs.existsSync(file)).toBe(false);
  for (const worker of workers) worker.send('go');
  exits = await Promise.all(workers.map((w) => w.exit));
  opened = workers.map((w) => w.messages.find((m) => m.event === 'opened') ?? {});
}, 180_000);

afterAll(() => removeDir(dir));

describe(`${WORKERS} processes × ${RUNS_PER_WORKER} runs into one file`, () => {
  it('every process exits 0 without any lock error', () => {
    for (const [i, exit] of exits.entries()) {
      expect(exit.code, `worker ${i}: ${exit.stdout}\n${exit.stderr}`).toBe(0);
      expect(exit.stderr, `worker ${i}`).not.toMatch(/SQLITE_BUSY|locked/i);
      expect(exit.stdout, `worker ${i}`).not.toMatch(/SQLITE_BUSY|locked/i);
      expect(exit.stdout).toContain('"event":"done"');
    }
  });

  it('creates the database exactly once', () => {
    const history = plainAll(file, 'SELECT kind FROM runmeta_migrations ORDER BY id');
    expect(history.map((row) => row.kind)).toEqual(['create']);
    // Exactly one process reports that it created the database; the others found it.
    expect(opened.map((m) => m.migration).sort()).toEqual(['create', null, null, null].sort());
  });

  it('stores every run and child row, completed', () => {
    expect(countRows(file, 'runs')).toBe(TOTAL);
    expect(countRows(file, 'mechanism_usage')).toBe(TOTAL);
    expect(countRows(file, 'resolution_assignments')).toBe(TOTAL);
    expect(countRows(file, 'validations')).toBe(TOTAL);
    const byStatus = plainAll(file, 'SELECT status, count(*) AS n FROM runs GROUP BY status');
    expect(byStatus).toEqual([{ status: 'completed', n: TOTAL }]);
    const perWorker = plainAll(
      file,
      'SELECT substr(run_id, 1, 2) AS w, count(*) AS n FROM runs GROUP BY w ORDER BY w',
    );
    expect(perWorker).toEqual(
      Array.from({ length: WORKERS }, (_, i) => ({ w: `w${i}`, n: RUNS_PER_WORKER })),
    );
    // Each run has exactly one row of each kind, attached to the right run.
    const orphansOrDuplicates = plainAll(
      file,
      `SELECT r.run_id FROM runs r
         WHERE (SELECT count(*) FROM mechanism_usage m WHERE m.run_id = r.run_id) != 1
            OR (SELECT count(*) FROM resolution_assignments a WHERE a.run_id = r.run_id) != 1
            OR (SELECT count(*) FROM validations v WHERE v.run_id = r.run_id) != 1`,
    );
    expect(orphansOrDuplicates).toEqual([]);
    // completeRun computed the v2 metrics from the recorded assignment and budget.
    const metrics = plainAll(
      file,
      `SELECT count(*) AS n FROM runs WHERE fidelity_distribution = '{"dialog":1}'
         AND token_budget_compliance >= 0.9 AND actual_tokens_used >= 9000`,
    );
    expect(metrics[0]?.n).toBe(TOTAL);
  });

  it('leaves a sound file', () => {
    expect(integrityCheck(file)).toBe('ok');
    expect(plainAll(file, 'PRAGMA journal_mode')[0]?.journal_mode).toBe('wal');
  });
});
