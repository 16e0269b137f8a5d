/**
 * Concurrent writers: N real processes × R complete runs each (start, one batch
 * of a mechanism, a resolution and a validation, complete) into one database —
 * a throw-away PostgreSQL cluster on loopback, and one SQLite file through
 * @runmeta/node-sqlite — the same worker code, the same workload, in this
 * process's run. Prints runs per second for both and their ratio.
 *
 *   pnpm --filter @runmeta/postgres bench [-- --workers 8 --runs 1000 --reps 3]
 *
 * PostgreSQL runs with synchronous_commit=off, the closest match to SQLite's WAL
 * with synchronous=NORMAL that node-sqlite uses (a crash may lose the last
 * commits, never corrupts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgresCluster } from '../../../test-support/postgres-cluster.js';
import { startWorkerIn } from '../../../test-support/worker-process.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const WORKERS = option('workers', 8);
const RUNS = option('runs', 1000);
const REPS = option('reps', 3);
const workersDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'workers');

/** One round: every worker writes its runs; resolves with total runs per second. */
async function round(db: string): Promise<{ seconds: number; perSecond: number }> {
  const workers = Array.from({ length: WORKERS }, (_, worker) =>
    startWorkerIn(workersDir, 'writer', { db, worker, runs: RUNS }),
  );
  await Promise.all(workers.map((w) => w.waitFor('ready')));
  const started = performance.now();
  for (const w of workers) w.send('go');
  const exits = await Promise.all(workers.map((w) => w.exit));
  const seconds = (performance.now() - started) / 1000;
  for (const exit of exits) {
    if (exit.code !== 0) throw new Error(`a writer failed: ${exit.stdout}\n${exit.stderr}`);
  }
  return { seconds, perSecond: (WORKERS * RUNS) / seconds };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const cluster = await startPostgresCluster({ synchronous_commit: 'off' });
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeta-bench-writers-'));
try {
  console.log(
    `${WORKERS} writer processes × ${RUNS} runs (${WORKERS * RUNS} runs, 4 rows each + 2 updates), ${REPS} rep(s), alternating, ${os.cpus().length} cores`,
  );
  const results: Record<'sqlite' | 'postgres', number[]> = { sqlite: [], postgres: [] };
  for (let rep = 0; rep < REPS; rep++) {
    // A fresh database for each round: the same work every time.
    const sqlite = await round(path.join(temp, `r${rep}`, 'runs.db'));
    const postgres = await round(`${cluster.url}?schema=bench_${rep}`);
    results.sqlite.push(sqlite.perSecond);
    results.postgres.push(postgres.perSecond);
    console.log(
      `  rep ${rep + 1}: sqlite ${sqlite.perSecond.toFixed(0)} runs/s (${sqlite.seconds.toFixed(1)} s), postgres ${postgres.perSecond.toFixed(0)} runs/s (${postgres.seconds.toFixed(1)} s)`,
    );
  }
  const s = median(results.sqlite);
  const p = median(results.postgres);
  console.log(
    `median: sqlite file ${s.toFixed(0)} runs/s, postgres ${p.toFixed(0)} runs/s — postgres/sqlite ${(p / s).toFixed(2)}×`,
  );
} finally {
  cluster.stop();
  fs.rmSync(temp, { recursive: true, force: true });
}
