/**
 * O open: opening a WAL-mode v2 file (no -wal beside it, as every writer leaves
 * one) for writing, at 1 MB, 18 MB and 500 MB. Opening must not grow with the
 * file: runmeta first looks read-only (so a refused open writes nothing), then
 * opens for writing. The baseline is better-sqlite3 opening the same file and
 * reading its schema. Open and close are both timed, on each side.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MetadataManager } from '@runmeta/core';
import BetterSqlite3 from 'better-sqlite3';
import { createNodeSqliteAdapter } from '../src/index.js';
import { alternate, median, type ResultRow, removeDir, tempDir, time } from './lib.js';
import { buildFile } from './w2-read.js';

/** Mechanism rows per run in the built files (as W2). */
const PER_RUN = 5;

/** Build a file of about `megabytes` MB, calibrated on a small one. */
function buildOfSize(dir: string, megabytes: number): string {
  const probe = path.join(dir, 'probe.db');
  buildFile(probe, 2_000, PER_RUN);
  const perRun = fs.statSync(probe).size / 2_000;
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(probe + suffix, { force: true });
  const file = path.join(dir, `runs-${megabytes}mb.db`);
  buildFile(file, Math.max(1, Math.round((megabytes * 1e6) / perRun)), PER_RUN);
  return file;
}

/** One row per size: median open + close, runmeta against the baseline. */
export async function benchOpenSizes(
  sizes: readonly number[],
  reps: number,
  log: (line: string) => void,
): Promise<ResultRow[]> {
  const dir = tempDir('open');
  const rows: ResultRow[] = [];
  try {
    for (const megabytes of sizes) {
      const file = buildOfSize(dir, megabytes);
      const actual = (fs.statSync(file).size / 1e6).toFixed(0);
      log(`  ${actual} MB (${path.basename(file)})`);
      const adapter = createNodeSqliteAdapter({ directory: dir });
      const times = await alternate(
        reps,
        () =>
          time(() => {
            const db = new BetterSqlite3(file, { fileMustExist: true });
            db.prepare('SELECT name, sql FROM sqlite_master').all();
            db.close();
          }),
        () =>
          time(async () => {
            const manager = await MetadataManager.open({ adapter, database: path.basename(file) });
            await manager.close();
          }),
        log,
      );
      const sideFiles = fs.readdirSync(dir).filter((name) => /-(wal|shm)$/.test(name));
      if (sideFiles.length) throw new Error(`open left ${sideFiles.join(', ')} behind`);
      rows.push({
        workload: `O open ${actual} MB`,
        baselineMs: median(times.baseline),
        runmetaMs: median(times.runmeta),
        target: { kind: 'absolute', maxMs: 10 },
        reps,
      });
      fs.rmSync(file);
    }
  } finally {
    removeDir(dir);
  }
  return rows;
}
