import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ArchiveConflictError,
  DatabaseLockedError,
  formatSnapshotForLlm,
  MetadataManager,
  NotADatabaseError,
} from '@runmeta/core';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeSqliteAdapter, loadLatestNarrative, openRunDatabase } from './index.js';
import { fixturesDir } from './test-support.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeta-node-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const sha = (file: string) => fs.readFileSync(file).toString('base64');

describe('file databases', () => {
  it('opens a file made before the mechanism index as it is: nothing built, nothing dropped', async () => {
    const file = path.join(dir, 'runs.db');
    await (await openRunDatabase(file)).close();
    // The layout earlier versions wrote: mechanism_usage indexed by run_id alone.
    const earlier = new BetterSqlite3(file);
    earlier.exec(`DROP INDEX idx_mechanism_usage_run_mechanism;
      CREATE INDEX idx_mechanism_usage_run_id ON mechanism_usage (run_id)`);
    earlier.close();
    const manager = await openRunDatabase(file);
    expect(manager.migration).toBeNull();
    await manager.startRun({ runId: 'r', templateId: 't', causalMode: 'forward' });
    await manager.recordBatch('r', { mechanisms: [{ mechanism: 'M2', functionName: 'f' }] });
    expect((await manager.getAllRuns({ withMechanisms: true }))[0]?.mechanismsUsed).toEqual(['M2']);
    await manager.close();
    const plain = new BetterSqlite3(file, { readonly: true });
    const indexes = plain
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'mechanism_usage'",
      )
      .pluck()
      .all();
    plain.close();
    expect(indexes).toEqual(['idx_mechanism_usage_run_id']);
  });

  it('creates the folder and a fresh v2 file with the documented 27 columns', async () => {
    const file = path.join(dir, 'nested', 'metadata', 'runs.db');
    const manager = await openRunDatabase(file);
    await manager.close();
    // An independent connection, not runmeta's, reads the schema back.
    const plain = new BetterSqlite3(file, { readonly: true });
    const columns = plain.prepare('SELECT name FROM pragma_table_info(?)').all('runs') as {
      name: string;
    }[];
    expect(columns).toHaveLength(27);
    expect(columns[0]?.name).toBe('run_id');
    expect(columns[21]?.name).toBe('schema_version');
    expect(columns[26]?.name).toBe('fidelity_efficiency_score');
    expect(plain.pragma('journal_mode', { simple: true })).toBe('wal');
    plain.close();
  });

  it("opens ':memory:' in memory, writing nothing to the working folder", async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const manager = await openRunDatabase(':memory:');
      await manager.startRun({ runId: 'm', templateId: 't', causalMode: 'forward' });
      expect((await manager.getRun('m')).status).toBe('running');
      await manager.close();
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  });

  it("sets busy timeout, foreign keys, synchronous=NORMAL and SQLite's own 2 MB page cache on each connection", async () => {
    const adapter = createNodeSqliteAdapter({ directory: dir, busyTimeoutMs: 1234 });
    const connection = await adapter.open('runs.db');
    expect(connection.client.pragma('busy_timeout', { simple: true })).toBe(1234);
    expect(connection.client.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(connection.client.pragma('synchronous', { simple: true })).toBe(1);
    // better-sqlite3 builds SQLite with a 16 MB default (-16000).
    expect(connection.client.pragma('cache_size', { simple: true })).toBe(-2000);
    await connection.close();
    const reader = await adapter.open('runs.db', { readOnly: true });
    expect(reader.client.pragma('cache_size', { simple: true })).toBe(-2000);
    await reader.close();
  });

  it('maps the file for read-only connections only when asked (mapReadOnly)', async () => {
    // Not WAL mode: read in place, not as a snapshot.
    const plain = new BetterSqlite3(path.join(dir, 'runs.db'));
    plain.exec('CREATE TABLE t (x)');
    plain.close();
    const mmap = async (options: { mapReadOnly?: boolean }, readOnly: boolean) => {
      const adapter = createNodeSqliteAdapter({ directory: dir, ...options });
      const connection = await adapter.open('runs.db', { readOnly });
      try {
        return connection.client.pragma('mmap_size', { simple: true });
      } finally {
        await connection.close();
      }
    };
    expect(await mmap({ mapReadOnly: true }, true)).toBe(0x7fff0000); // SQLite's cap
    expect(await mmap({ mapReadOnly: true }, false)).toBe(0);
    expect(await mmap({}, true)).toBe(0);
    expect(() => createNodeSqliteAdapter({ directory: dir, mapReadOnly: 'yes' as never })).toThrow(
      /mapReadOnly/,
    );
  });

  it('runs every connection (file, read-only snapshot, memory) with trusted_schema off, so code stored in a file cannot call functions with side effects', async () => {
    const file = path.join(dir, 'runs.db');
    await (await openRunDatabase(file)).close(); // a WAL-mode file: read-only opens read a snapshot
    const plain = new BetterSqlite3(file);
    plain.exec('CREATE VIEW leak AS SELECT side_effect() AS x');
    plain.close();
    const files = createNodeSqliteAdapter({ directory: dir });
    const memory = await createNodeSqliteAdapter({ memory: true }).open('runs.db');
    expect(memory.client.pragma('trusted_schema', { simple: true })).toBe(0);
    await memory.close();
    for (const readOnly of [false, true]) {
      const connection = await files.open('runs.db', { readOnly });
      expect(connection.client.pragma('trusted_schema', { simple: true })).toBe(0);
      let calls = 0;
      connection.client.function('side_effect', () => ++calls);
      expect(connection.client.prepare('SELECT side_effect() AS x').get()).toEqual({ x: 1 });
      // The same function, called by the file's view, is refused.
      expect(() => connection.client.prepare('SELECT x FROM leak').get()).toThrow(
        /unsafe use of side_effect/,
      );
      expect(calls).toBe(1);
      await connection.close();
    }
  });

  it('reports a lock held by another connection as DatabaseLockedError, then recovers', async () => {
    const file = path.join(dir, 'runs.db');
    const manager = await openRunDatabase(file, { busyTimeoutMs: 50 });
    const other = new BetterSqlite3(file);
    other.exec('BEGIN IMMEDIATE');
    const error = await manager
      .startRun({ templateId: 't', causalMode: 'forward' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseLockedError);
    expect((error as Error).message).toMatch(/locked.*Wait for the other process/);
    other.exec('ROLLBACK');
    other.close();
    const run = await manager.startRun({ templateId: 't', causalMode: 'forward' });
    expect(run.status).toBe('running');
    await manager.close();
  });

  it.each([
    [
      'a truncated SQLite file',
      (file: string) =>
        fs.writeFileSync(
          file,
          fs
            .readFileSync(path.join(fixturesDir(), 'deployed-v1-20col-393runs.db'))
            .subarray(0, 40_960),
        ),
    ],
    [
      'random bytes',
      (file: string) =>
        fs.writeFileSync(file, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 31) % 256))),
    ],
  ])('refuses %s with NotADatabaseError and leaves it byte-identical', async (_name, make) => {
    const file = path.join(dir, 'runs.db');
    make(file);
    const before = sha(file);
    const error = await openRunDatabase(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotADatabaseError);
    expect((error as Error).message).toMatch(
      /\[runmeta\] .*runs\.db (is not a SQLite database|is corrupt)/,
    );
    expect(sha(file)).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(['runs.db']);
  });

  it('leaves the folder untouched when opening is refused (no lock or side files)', async () => {
    const file = path.join(dir, 'runs.db');
    fs.copyFileSync(path.join(fixturesDir(), 'deployed-v2-32col-110runs.db'), file);
    const before = sha(file);
    await expect(openRunDatabase(file, { autoMigrate: false })).rejects.toMatchObject({
      code: 'RUNMETA_NEEDS_MIGRATION',
    });
    const plan = await MetadataManager.plan({
      adapter: createNodeSqliteAdapter({ directory: dir }),
    });
    expect(plan.action).toBe('repair');
    expect(sha(file)).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(['runs.db']);
  });

  it('refuses a directory given as the database path', async () => {
    fs.mkdirSync(path.join(dir, 'runs.db'));
    await expect(openRunDatabase(path.join(dir, 'runs.db'))).rejects.toBeInstanceOf(
      NotADatabaseError,
    );
  });

  it('never overwrites on move or copy', async () => {
    const adapter = createNodeSqliteAdapter({ directory: dir });
    fs.writeFileSync(path.join(dir, 'a.db'), 'A');
    fs.writeFileSync(path.join(dir, 'b.db'), 'B');
    await expect(adapter.move('a.db', 'b.db')).rejects.toBeInstanceOf(ArchiveConflictError);
    await expect(adapter.copy('a.db', 'b.db')).rejects.toBeInstanceOf(ArchiveConflictError);
    expect(fs.readFileSync(path.join(dir, 'b.db'), 'utf8')).toBe('B');
    await adapter.copy('a.db', 'c.db');
    await adapter.move('c.db', 'd.db');
    expect(await adapter.list()).toEqual(['a.db', 'b.db', 'd.db']);
    await adapter.remove('d.db');
    expect(await adapter.exists('d.db')).toBe(false);
  });

  it('migrates a real v1 file in place and keeps the original bytes as the archive', async () => {
    const file = path.join(dir, 'runs.db');
    fs.copyFileSync(path.join(fixturesDir(), 'deployed-v1-18col-9runs.db'), file);
    const before = sha(file);
    const manager = await openRunDatabase(file);
    expect(manager.migration?.archivePath).toBe(path.join(dir, 'runs_v1_archive.db'));
    await manager.close();
    expect(sha(path.join(dir, 'runs_v1_archive.db'))).toBe(before);
    expect(
      fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.db'))
        .sort(),
    ).toEqual(['runs.db', 'runs_v1_archive.db']);
    const again = await openRunDatabase(file);
    expect(again.migration).toBeNull();
    expect(await again.getAllRuns({ includeArchive: true })).toHaveLength(9);
    await again.close();
  });

  it('includes the newest narrative of a template in the snapshot', async () => {
    const datasets = path.join(dir, 'datasets');
    fs.mkdirSync(path.join(datasets, 'jefferson_dinner'), { recursive: true });
    fs.writeFileSync(
      path.join(datasets, 'jefferson_dinner', 'narrative_20251001_000000.json'),
      '{"characters":["old"]}',
    );
    fs.writeFileSync(
      path.join(datasets, 'jefferson_dinner', 'narrative_20251211_121027.json'),
      JSON.stringify({
        characters: [{ name: 'Thomas Jefferson' }, 'James Madison'],
        timeline: [{ event: 'Dinner begins' }, { event: 'The compromise' }],
        dialogs: [{}, {}, {}],
      }),
    );
    expect(loadLatestNarrative(datasets, 'unknown_template')).toBeNull();
    const narrative = loadLatestNarrative(datasets, 'jefferson_dinner');
    expect(narrative).toEqual({
      source: path.join('jefferson_dinner', 'narrative_20251211_121027.json'),
      characters: ['Thomas Jefferson', 'James Madison'],
      timeline: ['Dinner begins', 'The compromise'],
      latestEvent: 'The compromise',
      dialogCount: 3,
    });
    const manager = await MetadataManager.open({
      adapter: createNodeSqliteAdapter({ memory: true }),
    });
    const run = await manager.startRun({ templateId: 'jefferson_dinner', causalMode: 'pearl' });
    const text = formatSnapshotForLlm(await manager.getSnapshot(run.runId, { narrative }));
    expect(text).toContain('Characters: Thomas Jefferson, James Madison');
    expect(text).toContain('Latest Event: The compromise');
    await manager.close();
  });

  it('skips narrative files it cannot use, with a warning each, and falls back to the newest valid one', () => {
    const datasets = path.join(dir, 'datasets-mixed');
    const folder = path.join(datasets, 'board_meeting');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'narrative_20250101_000000.json'), '{"characters":["a"]}');
    fs.writeFileSync(path.join(folder, 'narrative_20250601_000000.json'), '{"characters":["b"]}');
    fs.writeFileSync(path.join(folder, 'narrative_20250901_000000.json'), '[1, 2]');
    fs.writeFileSync(path.join(folder, 'narrative_20251201_000000.json'), '{"characters": [');
    const warnings: string[] = [];
    const narrative = loadLatestNarrative(datasets, 'board_meeting', {
      onWarning: (m) => warnings.push(m),
    });
    expect(narrative?.source).toBe(path.join('board_meeting', 'narrative_20250601_000000.json'));
    expect(narrative?.characters).toEqual(['b']);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('narrative_20251201_000000.json');
    expect(warnings[1]).toContain('narrative_20250901_000000.json');
    expect(warnings[1]).toContain('not a JSON object');
  });

  it('warns when the datasets folder or the template folder is missing', () => {
    const warnings: string[] = [];
    const onWarning = (m: string) => warnings.push(m);
    const missing = path.join(dir, 'no-datasets-here');
    expect(loadLatestNarrative(missing, 'board_meeting', { onWarning })).toBeNull();
    expect(warnings).toEqual([expect.stringContaining(missing)]);
    expect(warnings[0]).toContain('no such file or folder');
    const empty = path.join(dir, 'datasets-empty');
    fs.mkdirSync(empty);
    expect(loadLatestNarrative(empty, 'board_meeting', { onWarning })).toBeNull();
    expect(warnings[1]).toContain('board_meeting');
  });
});
