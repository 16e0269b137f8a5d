/**
 * The cross-process migration lock, with real processes: racing openers migrate
 * once, a lock left by a killed process blocks nobody, and a live holder makes a
 * short wait fail with a typed error that names it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type RunmetaError, V1_SCHEMA_VERSION } from '@runmeta/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeSqliteAdapter, openRunDatabase } from '../src/index.js';
import {
  copyFixture,
  countRows,
  integrityCheck,
  killWorker,
  makeTempDir,
  plainAll,
  removeDir,
  sha256,
  startWorker,
  type WorkerHandle,
} from './process-helpers.js';

const FIXTURE = 'deployed-v1-20col-393runs.db';
const LOCK_NOTE = 'runs.db.runmeta-lock.json';

let dir: string;
let workers: WorkerHandle[];
beforeEach(() => {
  dir = makeTempDir('lock');
  workers = [];
});
afterEach(async () => {
  await Promise.all(workers.map(killWorker));
  removeDir(dir);
});

describe('migration lock across processes', () => {
  it('four processes opening one v1 file at the same moment migrate it once', async () => {
    const file = copyFixture(FIXTURE, dir);
    const originalIds = plainAll(file, 'SELECT run_id FROM runs ORDER BY run_id').map(
      (row) => row.run_id,
    );
    expect(originalIds).toHaveLength(393);
    workers = Array.from({ length: 4 }, () =>
      startWorker('open-db', {
        file,
        strategy: 'carry-over',
        waitForGo: true,
        readRuns: true,
        lockTimeoutMs: 60_000,
      }),
    );
    await Promise.all(workers.map((w) => w.waitFor('ready')));
    for (const worker of workers) worker.send('go');
    const exits = await Promise.all(workers.map((w) => w.exit));
    const results = workers.map((w) => w.messages.find((m) => m.event === 'opened'));
    for (const [i, exit] of exits.entries()) {
      expect(exit.code, `worker ${i}: ${exit.stdout}\n${exit.stderr}`).toBe(0);
      expect(results[i], `worker ${i}: ${exit.stdout}`).toBeDefined();
    }
    const migrated = results.filter((r) => r?.migration !== null);
    expect(migrated).toHaveLength(1);
    expect(migrated[0]?.migration).toMatchObject({
      action: 'migrate',
      strategy: 'carry-over',
      archivePath: path.join(dir, 'runs_v1_archive.db'),
      runsCarried: 393,
    });
    // Every process reads every run, whether it migrated or waited.
    for (const result of results) {
      expect(result?.runIds).toEqual(originalIds);
      expect(result?.activeRuns).toBe(393);
    }
    const history = plainAll(file, 'SELECT kind, strategy FROM runmeta_migrations ORDER BY id');
    expect(history).toEqual([{ kind: 'migrate', strategy: 'carry-over' }]);
    const databases = fs.readdirSync(dir).filter((name) => name.endsWith('.db'));
    expect(databases.sort()).toEqual(['runs.db', 'runs_v1_archive.db']);
    expect(countRows(path.join(dir, 'runs_v1_archive.db'), 'runs')).toBe(393);
    expect(
      plainAll(file, 'SELECT DISTINCT schema_version AS v FROM runs').map((row) => row.v),
    ).toEqual([V1_SCHEMA_VERSION]);
    expect(integrityCheck(file)).toBe('ok');
    expect(fs.existsSync(path.join(dir, LOCK_NOTE))).toBe(false);
  });

  it('a lock held by a process that was SIGKILLed does not block the next migration', async () => {
    const file = copyFixture(FIXTURE, dir);
    const holder = startWorker('hold-lock', { directory: dir, name: 'runs.db' });
    workers.push(holder);
    await holder.waitFor('locked');
    // While it lives, the lock is really held: a short wait fails.
    const { lock } = createNodeSqliteAdapter({ directory: dir });
    expect(lock).toBeDefined();
    await expect(lock!('runs.db', { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'RUNMETA_LOCKED',
    });
    const exit = await killWorker(holder);
    expect(exit.signal).toBe('SIGKILL');
    // The dead holder's note is still there; the kernel released its lock.
    const note = JSON.parse(fs.readFileSync(path.join(dir, LOCK_NOTE), 'utf8'));
    expect(note.pid).toBe(holder.child.pid);
    const manager = await openRunDatabase(file, { lockTimeoutMs: 5000 });
    try {
      expect(manager.migration).toMatchObject({ action: 'migrate', archivedRuns: 393 });
      expect(await manager.getAllRuns({ includeArchive: true })).toHaveLength(393);
    } finally {
      await manager.close();
    }
    expect(fs.existsSync(path.join(dir, LOCK_NOTE))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'runs_v1_archive.db'))).toBe(true);
  });

  it('a live holder makes a short wait fail with RUNMETA_LOCKED naming its pid', async () => {
    const file = copyFixture(FIXTURE, dir);
    const before = sha256(file);
    const holder = startWorker('hold-lock', { directory: dir, name: 'runs.db' });
    workers.push(holder);
    await holder.waitFor('locked');
    const error = (await openRunDatabase(file, { lockTimeoutMs: 300 }).then(
      (manager) => manager.close().then(() => null),
      (e: unknown) => e,
    )) as RunmetaError | null;
    expect(error).not.toBeNull();
    expect(error?.code).toBe('RUNMETA_LOCKED');
    expect(error?.message).toContain(`pid ${holder.child.pid}`);
    expect(sha256(file)).toBe(before);
    expect(fs.readdirSync(dir).filter((name) => name.endsWith('.db'))).toEqual(['runs.db']);
    expect(fs.existsSync(path.join(dir, 'runs.db.v2-building'))).toBe(false);
    // Still held: the holder was not disturbed by the failed attempt.
    expect(holder.child.exitCode).toBeNull();
  });

  it('four processes taking and releasing the lock 40 times each never overlap, and leave no file', async () => {
    workers = Array.from({ length: 4 }, () =>
      startWorker('lock-loop', { directory: dir, name: 'runs.db', rounds: 40 }),
    );
    await Promise.all(workers.map((w) => w.waitFor('ready')));
    for (const worker of workers) worker.send('go');
    const exits = await Promise.all(workers.map((w) => w.exit));
    for (const [i, exit] of exits.entries()) {
      expect(exit.code, `worker ${i}: ${exit.stdout}\n${exit.stderr}`).toBe(0);
      expect(workers[i]!.messages.find((m) => m.event === 'done')?.overlaps).toBe(0);
    }
    // Each release deletes the lock file and its note, even while others wait on it.
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('an AbortSignal stops the wait for a held lock with RUNMETA_INTERRUPTED, changing nothing', async () => {
    const file = copyFixture(FIXTURE, dir);
    const before = sha256(file);
    const holder = startWorker('hold-lock', { directory: dir, name: 'runs.db' });
    workers.push(holder);
    await holder.waitFor('locked');
    const controller = new AbortController();
    setTimeout(() => controller.abort('SIGINT'), 200);
    const error = (await openRunDatabase(file, {
      lockTimeoutMs: 60_000,
      signal: controller.signal,
    }).then(
      (manager) => manager.close().then(() => null),
      (e: unknown) => e,
    )) as RunmetaError | null;
    expect(error?.code).toBe('RUNMETA_INTERRUPTED');
    expect(error?.message).toContain(`${file} unchanged by this process`);
    expect(sha256(file)).toBe(before);
    expect(holder.child.exitCode).toBeNull();
  });
});
