/**
 * SQLite's query planner statistics (`sqlite_stat1`), kept by the writers that
 * change the runs: a writer's close gathers them where they are missing or a
 * table has grown much since; a session that wrote nothing leaves the file
 * byte-identical. Checked with plain better-sqlite3 reads of the file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { listRuns, type RunmetaError } from '@runmeta/core';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRunDatabase } from '../src/index.js';
import {
  copyFixture,
  countRows,
  makeTempDir,
  plainAll,
  removeDir,
  sha256,
} from './process-helpers.js';

let dir: string;
beforeEach(() => {
  dir = makeTempDir('stats');
});
afterEach(() => removeDir(dir));

/** The number of rows `sqlite_stat1` holds for the runs table's status index (its first figure). */
function statusStatRows(file: string): number | null {
  const stat1 = "SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'";
  if (plainAll(file, stat1).length === 0) return null;
  const [row] = plainAll(file, 'SELECT stat FROM sqlite_stat1 WHERE tbl = ? AND idx = ?', [
    'runs',
    'idx_runs_status',
  ]);
  return row ? Number(String(row.stat).split(' ')[0]) : null;
}

/** Open, start `n` runs, close. */
async function startRuns(file: string, n: number): Promise<void> {
  const manager = await openRunDatabase(file);
  try {
    for (let i = 0; i < n; i++) {
      await manager.startRun({ templateId: `t${i % 3}`, causalMode: 'forward' });
    }
  } finally {
    await manager.close();
  }
}

describe('planner statistics', () => {
  it('are gathered when a writer closes, and again once the runs have grown many times over', async () => {
    const file = path.join(dir, 'runs.db');
    await startRuns(file, 2);
    expect(statusStatRows(file)).toBe(countRows(file, 'runs'));

    // A little growth keeps the statistics: their proportions still hold.
    await startRuns(file, 3);
    expect(statusStatRows(file)).toBe(2);

    // Growth of many times over (here 2 → 105 runs) takes them again.
    await startRuns(file, 100);
    expect(countRows(file, 'runs')).toBe(105);
    expect(statusStatRows(file)).toBe(105);
  });

  it('are left alone by a session that wrote nothing, whose one write failed, or whose commit changed no row', async () => {
    const file = path.join(dir, 'runs.db');
    await startRuns(file, 1);
    // A file without statistics (as every file written before this version).
    const plain = new BetterSqlite3(file);
    const runId = plain.prepare('SELECT run_id FROM runs').pluck().get() as string;
    plain.exec('DROP TABLE IF EXISTS sqlite_stat1; DROP TABLE IF EXISTS sqlite_stat4');
    plain.close();
    const before = sha256(file);

    const reader = await openRunDatabase(file);
    expect(await reader.getAllRuns()).toHaveLength(1);
    await reader.close();
    expect(sha256(file)).toBe(before);

    // Refused inside its transaction (the id exists), so it is rolled back.
    const writer = await openRunDatabase(file);
    const error = await writer.startRun({ runId, templateId: 't', causalMode: 'forward' }).then(
      () => null,
      (e: RunmetaError) => e,
    );
    expect(error?.message).toMatch(/already/i);
    // A sweep that finds nothing to close commits, but changes no row.
    expect(await writer.closeStaleRuns({ olderThanMs: 1e12 })).toEqual([]);
    await writer.close();
    expect(sha256(file)).toBe(before);
    expect(statusStatRows(file)).toBeNull();
  });

  it('never touch the v1 archive, even when it was read through the writer', async () => {
    const file = copyFixture('deployed-v1-20col-393runs.db', dir);
    await (await openRunDatabase(file, { migration: { strategy: 'archive' } })).close();
    const archive = path.join(dir, 'runs_v1_archive.db');
    const archived = sha256(archive);
    const manager = await openRunDatabase(file);
    await manager.startRun({ templateId: 't', causalMode: 'forward' });
    const page = await listRuns(manager, { includeArchive: true, limit: 500 });
    expect(page.runs.length).toBe(countRows(archive, 'runs') + 1);
    await manager.close();
    expect(sha256(archive)).toBe(archived);
    expect(fs.existsSync(`${archive}-wal`)).toBe(false);
    // The active file, which was written, got its statistics.
    expect(statusStatRows(file)).toBe(1);
  });
});
