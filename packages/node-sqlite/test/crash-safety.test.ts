/**
 * Kill -9 during a real migration, many times, at spread-out moments: whatever
 * the moment, the next open must succeed and every v1 row must still be there
 * (a crash or kill at any point loses nothing, and the next open finishes the
 * job).
 *
 * The kill delays are stratified over the measured migration window with a
 * seeded PRNG: set RUNMETA_CRASH_SEED to replay a failing series.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MetadataManager, type MigrationStrategy, type RunmetaError } from '@runmeta/core';
import { schemaDdl } from '@runmeta/core/adapter';
import { seededRandom } from '@runmeta/core/demo';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeSqliteAdapter } from '../src/index.js';
import {
  countRows,
  integrityCheck,
  killWorker,
  makeTempDir,
  plainAll,
  removeDir,
  startWorker,
  type WorkerHandle,
} from './process-helpers.js';

const RUNS = 50_000;
const TRIALS_PER_STRATEGY = 26;
const SEED = Number(process.env.RUNMETA_CRASH_SEED ?? 0x5eed2025);
const CHILD_TABLES = ['mechanism_usage', 'resolution_assignments', 'validations'] as const;
const ASIDE = 'runs.db.v2-building';
const ARCHIVE = 'runs_v1_archive.db';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let root: string;
let source: string;
let originalIds: string[];
const originalChildren: Record<string, number> = {};

/** A documented v1 database with RUNS runs and child rows, written in one transaction. */
function buildV1(file: string): void {
  const db = new BetterSqlite3(file);
  for (const sql of schemaDdl('v1')) db.exec(sql);
  const run = db.prepare(
    `INSERT INTO runs (run_id, template_id, created_at, updated_at, causal_mode, goal,
       entities_created, timepoints_created, training_examples, cost_usd, llm_calls,
       tokens_used, status, error_message)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const mechanism = db.prepare(
    `INSERT INTO mechanism_usage (run_id, mechanism, function_name, timestamp, context)
     VALUES (?, ?, ?, ?, ?)`,
  );
  const resolution = db.prepare(
    `INSERT INTO resolution_assignments (run_id, entity_id, resolution, timepoint_id, timestamp)
     VALUES (?, ?, ?, ?, ?)`,
  );
  const validation = db.prepare(
    `INSERT INTO validations (run_id, validator_name, passed, timestamp, message, violations)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const modes = ['forward', 'directorial', 'branching', 'cyclical', 'portal', 'pearl'];
  db.transaction(() => {
    for (let i = 0; i < RUNS; i++) {
      const id = `run_20240101_${String(i).padStart(6, '0')}`;
      const at = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString().slice(0, -1);
      const failed = i % 97 === 0;
      run.run(
        id,
        `template_${i % 13}`,
        at,
        at,
        modes[i % modes.length],
        `goal of run ${i}`,
        i % 9,
        i % 5,
        i % 3,
        i * 0.0001,
        i % 40,
        i * 10,
        failed ? 'failed' : 'completed',
        failed ? 'provider timeout' : null,
      );
      if (i % 5 === 0) mechanism.run(id, `M${(i % 17) + 1}`, 'step', at, '{"phase":1}');
      if (i % 4 === 0) resolution.run(id, `entity_${i % 6}`, 'dialog', 'tp_001', at);
      if (i % 10 === 0) validation.run(id, 'energy', i % 20 === 0 ? 1 : 0, at, null, '[]');
    }
  })();
  db.close();
}

beforeAll(() => {
  root = makeTempDir('crash');
  source = path.join(root, 'source.db');
  buildV1(source);
  originalIds = plainAll(source, 'SELECT run_id FROM runs ORDER BY run_id').map((row) =>
    String(row.run_id),
  );
  for (const table of CHILD_TABLES) originalChildren[table] = countRows(source, table);
}, 120_000);

afterAll(() => removeDir(root));

let trialCount = 0;

/** A fresh folder holding a copy of the v1 source as runs.db, and a worker waiting to open it. */
function prepareTrial(strategy: MigrationStrategy) {
  const dir = path.join(root, `trial-${trialCount++}`);
  fs.mkdirSync(dir);
  fs.copyFileSync(source, path.join(dir, 'runs.db'));
  const worker = startWorker('open-db', {
    file: path.join(dir, 'runs.db'),
    strategy,
    waitForGo: true,
    lockTimeoutMs: 30_000,
  });
  return { dir, worker };
}

type State =
  | 'not-started'
  | 'building-aside'
  | 'archived-aside-pending'
  | 'installed'
  | 'finished'
  | 'other';

/** Where the files stood when the worker died. */
function classify(dir: string, finished: boolean): { state: State; files: string[] } {
  const files = fs.readdirSync(dir).sort();
  const has = (name: string) => files.includes(name);
  const archives = files.filter((f) => /^runs_v1_archive(_\d+)?\.db$/.test(f));
  let state: State = 'other';
  if (finished) state = 'finished';
  else if (has('runs.db') && !has(ASIDE) && archives.length === 0) state = 'not-started';
  else if (has('runs.db') && has(ASIDE) && archives.length === 0) state = 'building-aside';
  else if (!has('runs.db') && has(ASIDE) && has(ARCHIVE)) state = 'archived-aside-pending';
  else if (has('runs.db') && !has(ASIDE) && has(ARCHIVE)) state = 'installed';
  return { state, files };
}

/** Open in the parent and check that nothing of the v1 data was lost. */
async function verifyAfterKill(dir: string, strategy: MigrationStrategy, label: string) {
  const adapter = createNodeSqliteAdapter({ directory: dir });
  const manager = await MetadataManager.open({
    adapter,
    migration: { strategy },
    lockTimeoutMs: 10_000,
  }).catch((error: RunmetaError) => {
    throw new Error(`${label}: open after the kill failed: ${error.code} ${error.message}`);
  });
  try {
    const files = fs.readdirSync(dir);
    // Soft: a leftover is a defect of its own, but the data checks below still run.
    expect
      .soft(
        files.filter((f) => f.includes('.v2-building')),
        `${label}: no build leftovers`,
      )
      .toEqual([]);
    const archives = files.filter((f) => /^runs_v1_archive(_\d+)?\.db$/.test(f));
    expect(archives, `${label}: one archive, under the usual name`).toEqual([ARCHIVE]);
    const active = path.join(dir, 'runs.db');
    const archive = path.join(dir, ARCHIVE);
    expect(integrityCheck(active), label).toBe('ok');
    expect(integrityCheck(archive), label).toBe('ok');
    // Every original run id is in the active database or the archive.
    const present = new Set<string>();
    for (const file of [active, archive]) {
      for (const row of plainAll(file, 'SELECT run_id FROM runs')) present.add(String(row.run_id));
    }
    const missing = originalIds.filter((id) => !present.has(id));
    expect(missing.slice(0, 5), `${label}: ${missing.length} runs missing`).toEqual([]);
    expect(present.size, label).toBe(originalIds.length);
    // The archive is the complete v1 database, child rows included.
    expect(countRows(archive, 'runs'), label).toBe(RUNS);
    for (const table of CHILD_TABLES) {
      expect(countRows(archive, table), `${label}: archive ${table}`).toBe(originalChildren[table]);
    }
    if (strategy === 'carry-over') {
      expect(countRows(active, 'runs'), `${label}: carried runs`).toBe(RUNS);
      for (const table of CHILD_TABLES) {
        expect(countRows(active, table), `${label}: carried ${table}`).toBe(
          originalChildren[table],
        );
      }
    } else {
      expect(countRows(active, 'runs'), label).toBe(0);
    }
    // Through the SDK: a few runs, from wherever they live.
    for (const id of [originalIds[0]!, originalIds[RUNS >> 1]!, originalIds[RUNS - 1]!]) {
      const run = await manager.getRun(id, { includeArchive: true });
      expect(run.source, label).toBe(strategy === 'carry-over' ? 'active' : 'archive');
      expect(run.schemaVersion, label).toBe('1.0');
    }
    const history = plainAll(active, 'SELECT kind FROM runmeta_migrations');
    expect(history, label).toEqual([{ kind: 'migrate' }]);
    return manager.migration;
  } finally {
    await manager.close();
  }
}

const tally: Record<MigrationStrategy, Record<string, number>> = {
  archive: {},
  'carry-over': {},
};

describe.each(['archive', 'carry-over'] as const)('SIGKILL during a %s migration', (strategy) => {
  it(`loses nothing in ${TRIALS_PER_STRATEGY} kills spread over the migration`, async () => {
    // One uninterrupted migration measures the window the kills are spread over.
    const measured = prepareTrial(strategy);
    await measured.worker.waitFor('ready');
    const started = performance.now();
    measured.worker.send('go');
    await measured.worker.waitFor('opened');
    const window = performance.now() - started;
    expect((await measured.worker.exit).code).toBe(0);
    removeDir(measured.dir);

    const random = seededRandom(SEED ^ (strategy === 'archive' ? 1 : 2));
    const workers: WorkerHandle[] = [];
    const failures: string[] = [];
    try {
      let next = prepareTrial(strategy);
      workers.push(next.worker);
      for (let trial = 0; trial < TRIALS_PER_STRATEGY; trial++) {
        const { dir, worker } = next;
        // Stratified: trial k is killed somewhere in the k-th slice of 110% of the window.
        const delay = ((trial + random()) / TRIALS_PER_STRATEGY) * window * 1.1;
        const label =
          `seed ${SEED}, ${strategy} trial ${trial}, ` +
          `kill after ${delay.toFixed(1)} ms of ${window.toFixed(1)} ms`;
        await worker.waitFor('ready');
        worker.send('go');
        await sleep(delay);
        const exit = await killWorker(worker);
        const finished = exit.signal !== 'SIGKILL';
        expect(exit.code === 0 || exit.signal === 'SIGKILL', `${label}: ${exit.stderr}`).toBe(true);
        const { state, files } = classify(dir, finished);
        tally[strategy][state] = (tally[strategy][state] ?? 0) + 1;
        // The next worker loads while this trial is verified (no kill is pending meanwhile).
        if (trial + 1 < TRIALS_PER_STRATEGY) {
          next = prepareTrial(strategy);
          workers.push(next.worker);
        }
        // A failed trial is recorded and the series goes on, so the table is complete.
        try {
          const migration = await verifyAfterKill(
            dir,
            strategy,
            `${label}, state ${state} (${files.join(', ')})`,
          );
          // The next open finishes the job: it migrates when the worker had not got far enough.
          if (state === 'not-started' || state === 'building-aside') {
            expect(migration?.action, `${label}: ${files.join(', ')}`).toBe('migrate');
          } else {
            expect(migration, `${label}: ${files.join(', ')}`).toBeNull();
          }
        } catch (error) {
          failures.push(error instanceof Error ? error.message : String(error));
          tally[strategy][`${state}, then failed`] =
            (tally[strategy][`${state}, then failed`] ?? 0) + 1;
        }
        removeDir(dir);
      }
    } finally {
      await Promise.all(workers.map(killWorker));
    }
    console.info(
      `crash-safety ${strategy} (seed ${SEED}, window ${window.toFixed(1)} ms):`,
      JSON.stringify(tally[strategy]),
    );
    const states = Object.entries(tally[strategy]).filter(([state]) => !state.includes('failed'));
    expect(states.reduce((n, [, count]) => n + count, 0)).toBe(TRIALS_PER_STRATEGY);
    expect(failures).toEqual([]);
  }, 240_000);
});

describe('kill moments', () => {
  it('some kills landed in the middle of a migration', () => {
    const mid = (['archive', 'carry-over'] as const).reduce(
      (n, s) => n + (tally[s]['building-aside'] ?? 0) + (tally[s]['archived-aside-pending'] ?? 0),
      0,
    );
    expect(mid, `seed ${SEED}: ${JSON.stringify(tally)}`).toBeGreaterThan(0);
  });
});
