/**
 * Side files left by a writer that was killed: rows that exist only in a -wal
 * file, and the rollback journal of a legacy writer that died mid-transaction.
 * The migration checkpoints the v1 file (any -wal/-shm content first) before it
 * moves to the archive, and a crash at any point loses nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { MigrationStrategy, RunmetaError } from '@runmeta/core';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRunDatabase } from '../src/index.js';
import {
  copyFixture,
  countRows,
  integrityCheck,
  killWorker,
  makeTempDir,
  plainAll,
  removeDir,
  startWorker,
} from './process-helpers.js';

const RUNS = 500;
let root: string;

beforeAll(() => {
  root = makeTempDir('wal');
});
afterAll(() => removeDir(root));

/** Copy a database and every side file beside it into a new folder. */
function copyWithSideFiles(file: string, into: string): string {
  fs.mkdirSync(into);
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    if (fs.existsSync(`${file}${suffix}`)) {
      fs.copyFileSync(`${file}${suffix}`, path.join(into, `runs.db${suffix}`));
    }
  }
  return path.join(into, 'runs.db');
}

describe('a v1 file whose runs are only in the -wal of a killed writer', () => {
  let killed: string;
  const expectedIds = Array.from(
    { length: RUNS },
    (_, i) => `wal_run_${String(i).padStart(4, '0')}`,
  );

  beforeAll(async () => {
    killed = path.join(root, 'killed', 'runs.db');
    fs.mkdirSync(path.dirname(killed));
    const worker = startWorker('wal-writer', { file: killed, runs: RUNS });
    const written = await worker.waitFor('written');
    expect(written.mode).toBe('wal');
    const exit = await killWorker(worker);
    expect(exit.signal).toBe('SIGKILL');
  }, 60_000);

  it('really has its rows in the -wal file only', () => {
    expect(fs.statSync(`${killed}-wal`).size).toBeGreaterThan(0);
    // The main file alone (no -wal beside it) holds the schema but not one run.
    const alone = path.join(root, 'main-file-alone.db');
    fs.copyFileSync(killed, alone);
    const db = new BetterSqlite3(alone);
    try {
      expect(db.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it.each(['archive', 'carry-over'] as MigrationStrategy[])(
    'migrates with %s and keeps all of them',
    async (strategy) => {
      const file = copyWithSideFiles(killed, path.join(root, strategy));
      const manager = await openRunDatabase(file, { migration: { strategy } });
      try {
        expect(manager.migration).toMatchObject({ action: 'migrate', strategy });
        const runs = await manager.getAllRuns({ includeArchive: true });
        expect(runs.map((run) => run.runId).sort()).toEqual(expectedIds);
        const archive = path.join(root, strategy, 'runs_v1_archive.db');
        // The archive file holds every row by itself: the WAL was folded in before the move.
        expect(fs.existsSync(`${archive}-wal`)).toBe(false);
        expect(countRows(archive, 'runs')).toBe(RUNS);
        expect(countRows(archive, 'mechanism_usage')).toBe(RUNS);
        expect(integrityCheck(archive)).toBe('ok');
        if (strategy === 'archive') {
          expect(new Set(runs.map((run) => run.source))).toEqual(new Set(['archive']));
          expect(countRows(file, 'runs')).toBe(0);
        } else {
          expect(new Set(runs.map((run) => run.source))).toEqual(new Set(['active']));
          expect(
            plainAll(file, 'SELECT run_id FROM runs ORDER BY run_id').map((r) => r.run_id),
          ).toEqual(expectedIds);
          expect(countRows(file, 'mechanism_usage')).toBe(RUNS);
        }
        const sample = await manager.getRun('wal_run_0499', { includeArchive: true });
        expect(sample).toMatchObject({ templateId: 'wal_template', tokensUsed: 1234 });
      } finally {
        await manager.close();
      }
      expect(integrityCheck(file)).toBe('ok');
    },
  );
});

describe('a v1 file whose legacy writer was killed mid-transaction', () => {
  const FIXTURE = 'deployed-v1-20col-393runs.db';

  it.each([
    ['after it wrote changed pages (a hot journal)', true],
    ['before it wrote anything to the file (a stale journal)', false],
  ])('migrates %s, without the half-written changes', async (_name, spill) => {
    const dir = path.join(root, `journal-${spill}`);
    fs.mkdirSync(dir);
    const file = copyFixture(FIXTURE, dir);
    const reference = plainAll(file, 'SELECT * FROM runs ORDER BY run_id');
    const worker = startWorker('journal-writer', { file, spill });
    await worker.waitFor('mid-transaction');
    await killWorker(worker);
    expect(fs.statSync(`${file}-journal`).size).toBeGreaterThan(0);
    // What a killed writer leaves is not a reason to refuse forever: SQLite itself
    // rolls a hot journal back on the next read-write open, and ignores a stale one.
    const manager = await openRunDatabase(file, { migration: { strategy: 'carry-over' } }).catch(
      (error: RunmetaError) => {
        throw new Error(`open failed: ${error.code} ${error.message} (${error.cause})`);
      },
    );
    try {
      expect(manager.migration).toMatchObject({ action: 'migrate', runsCarried: 393 });
    } finally {
      await manager.close();
    }
    const archive = path.join(dir, 'runs_v1_archive.db');
    expect(plainAll(archive, 'SELECT * FROM runs ORDER BY run_id')).toEqual(reference);
    expect(
      plainAll(file, "SELECT count(*) AS n FROM runs WHERE template_id = 'half_written'"),
    ).toEqual([{ n: 0 }]);
    expect(countRows(file, 'runs')).toBe(393);
    expect(integrityCheck(file)).toBe('ok');
  });
});
