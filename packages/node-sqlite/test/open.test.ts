/**
 * Opening (`@runmeta/core`'s `manager/open.ts`, reached through
 * `MetadataManager.open`) on real files: detect → lock → recover → plan → apply.
 * The lock is watched, so each test also says when opening took it — only when
 * there is schema work — and what it found once it held it. These tests live
 * here, not beside `open.ts`, because core's own tests have no SQLite engine.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  MetadataManager,
  NeedsMigrationError,
  ReadOnlyError,
  type StorageAdapter,
} from '@runmeta/core';
import { asideNameFor } from '@runmeta/core/adapter';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeSqliteAdapter } from '../src/index.js';
import { copyFixture, makeTempDir, plainAll, removeDir, sha256 } from './process-helpers.js';

let dir: string;
beforeEach(() => {
  dir = makeTempDir('open');
});
afterEach(() => removeDir(dir));

/**
 * The folder's adapter, with its lock watched: `events` lists each lock and
 * release; `whileWaiting` runs as the lock is asked for (another process's work).
 */
function watchedAdapter(whileWaiting?: () => Promise<void>) {
  const inner = createNodeSqliteAdapter({ directory: dir });
  const events: string[] = [];
  const adapter: StorageAdapter = {
    ...inner,
    async lock(name, options) {
      events.push(`lock ${name}`);
      await whileWaiting?.();
      const release = await inner.lock!(name, options);
      return async () => {
        events.push(`release ${name}`);
        await release?.();
      };
    },
  };
  return { adapter, events };
}

/** Create a v2 `runs.db` with one run, through a separate adapter; returns the run id. */
async function createDatabase(): Promise<string> {
  const manager = await MetadataManager.open({
    adapter: createNodeSqliteAdapter({ directory: dir }),
  });
  try {
    const run = await manager.startRun({ templateId: 't', causalMode: 'forward' });
    return run.runId;
  } finally {
    await manager.close();
  }
}

/** The kinds of the history rows of `runs.db`, oldest first. */
function historyKinds(): string[] {
  return plainAll(
    path.join(dir, 'runs.db'),
    'SELECT "kind" FROM "runmeta_migrations" ORDER BY "id"',
  ).map((row) => String(row.kind));
}

describe('opening', () => {
  it('creates a missing database under the lock', async () => {
    const { adapter, events } = watchedAdapter();
    const manager = await MetadataManager.open({ adapter });
    await manager.close();
    expect(events).toEqual(['lock runs.db', 'release runs.db']);
    expect(manager.detection.kind).toBe('absent');
    expect(manager.migration?.action).toBe('create');
    expect(manager.readOnly).toBeNull();
    expect(historyKinds()).toEqual(['create']);
  });

  it('uses an up-to-date database as it is: no lock is taken and nothing is migrated', async () => {
    const runId = await createDatabase();
    const { adapter, events } = watchedAdapter();
    const manager = await MetadataManager.open({ adapter });
    try {
      expect(events).toEqual([]);
      expect(manager.detection.kind).toBe('v2');
      expect(manager.migration).toBeNull();
      expect((await manager.getRun(runId)).runId).toBe(runId);
    } finally {
      await manager.close();
    }
    expect(historyKinds()).toEqual(['create']);
    expect(fs.readdirSync(dir).filter((name) => name.includes('lock'))).toEqual([]);
  });

  it('refuses to migrate with autoMigrate: false before taking the lock; the file is unchanged', async () => {
    const file = copyFixture('deployed-v1-18col-9runs.db', dir);
    const before = sha256(file);
    const { adapter, events } = watchedAdapter();
    const error = await MetadataManager.open({ adapter, autoMigrate: false }).catch((e) => e);
    expect(error).toBeInstanceOf(NeedsMigrationError);
    expect(events).toEqual([]);
    expect(sha256(file)).toBe(before);
  });

  it('migrates v1 under the lock, keeping the original as the archive', async () => {
    const file = copyFixture('deployed-v1-18col-9runs.db', dir);
    const before = sha256(file);
    const { adapter, events } = watchedAdapter();
    const manager = await MetadataManager.open({ adapter });
    try {
      expect(events).toEqual(['lock runs.db', 'release runs.db']);
      expect(manager.detection.kind).toBe('v1-deployed-18');
      expect(manager.migration?.action).toBe('migrate');
      expect(await manager.archiveName()).toBe('runs_v1_archive.db');
    } finally {
      await manager.close();
    }
    expect(sha256(path.join(dir, 'runs_v1_archive.db'))).toBe(before);
  });

  it('opens v1 read-only without migrating it, and refuses writes', async () => {
    const file = copyFixture('deployed-v1-18col-9runs.db', dir);
    const before = sha256(file);
    const { adapter, events } = watchedAdapter();
    const manager = await MetadataManager.open({ adapter, readOnly: true });
    try {
      expect(events).toEqual([]);
      expect(manager.readOnly).toBe('opened with readOnly: true');
      expect(manager.migration).toBeNull();
      await expect(manager.startRun({ templateId: 't', causalMode: 'forward' })).rejects.toThrow(
        ReadOnlyError,
      );
    } finally {
      await manager.close();
    }
    expect(sha256(file)).toBe(before);
  });

  it('recovers a complete aside a killed migration left, under the lock, before planning', async () => {
    const runId = await createDatabase();
    // The v2 database as a killed migration leaves it: built aside, never moved in.
    fs.renameSync(path.join(dir, 'runs.db'), path.join(dir, asideNameFor('runs.db')));
    const { adapter, events } = watchedAdapter();
    const manager = await MetadataManager.open({ adapter });
    try {
      expect(events).toEqual(['lock runs.db', 'release runs.db']);
      // Recovered first, so the plan found an up-to-date database: nothing created again.
      expect(manager.migration).toBeNull();
      expect((await manager.getRun(runId)).runId).toBe(runId);
    } finally {
      await manager.close();
    }
    expect(fs.existsSync(path.join(dir, asideNameFor('runs.db')))).toBe(false);
    expect(historyKinds()).toEqual(['create']);
  });

  it('removes an aside left beside a database that exists (the original was never touched)', async () => {
    const runId = await createDatabase();
    fs.copyFileSync(path.join(dir, 'runs.db'), path.join(dir, asideNameFor('runs.db')));
    const { adapter, events } = watchedAdapter();
    const manager = await MetadataManager.open({ adapter });
    try {
      expect(events).toEqual(['lock runs.db', 'release runs.db']);
      expect(manager.migration).toBeNull();
      expect((await manager.getRun(runId)).runId).toBe(runId);
    } finally {
      await manager.close();
    }
    expect(fs.existsSync(path.join(dir, asideNameFor('runs.db')))).toBe(false);
  });

  it('plans again once the lock is held: work another process did meanwhile is not redone', async () => {
    const { adapter, events } = watchedAdapter(async () => {
      await createDatabase(); // the other process, while we wait for the lock
    });
    const manager = await MetadataManager.open({ adapter });
    try {
      expect(events).toEqual(['lock runs.db', 'release runs.db']);
      expect(manager.detection.kind).toBe('v2');
      expect(manager.migration).toBeNull();
      expect(await manager.getAllRuns()).toHaveLength(1);
    } finally {
      await manager.close();
    }
    expect(historyKinds()).toEqual(['create']);
  });

  it('plans without writing anything: a dry run of the same steps', async () => {
    copyFixture('deployed-v1-18col-9runs.db', dir);
    const { adapter, events } = watchedAdapter();
    const plan = await MetadataManager.plan({ adapter });
    expect(plan.action).toBe('migrate');
    expect(plan.detection.kind).toBe('v1-deployed-18');
    expect(events).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual(['runs.db']);
  });
});
