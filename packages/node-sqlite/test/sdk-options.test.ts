/**
 * Every public SDK function that takes options, an adapter or another object
 * validates it like `MetadataManager.open` does: a wrong value or an unknown key
 * (a typo) is a `ValidationError` naming it — never a raw TypeError — and nothing
 * is touched (the folder is byte-identical, checked with plain reads). Also:
 * `carryOverArchive` reports progress per page and stops on a signal with the
 * active database unchanged, and `query()` says why it refuses a write.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  applyMigration,
  type CarryOverArchiveProgress,
  carryOverArchive,
  changesSinceMigration,
  describeChanges,
  findLeftovers,
  InterruptedError,
  MetadataManager,
  openDatabase,
  planMigration,
  ReadOnlyError,
  ValidationError,
} from '@runmeta/core';
import {
  copyDatabase,
  copyTables,
  createMemoryContainer,
  interruptionPoint,
  observeSchema,
} from '@runmeta/core/adapter';
import { buildDemoDatabase } from '@runmeta/core/demo';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { snapshotDir } from '../../../test-support/temp-files.js';
import { createNodeSqliteAdapter, loadLatestNarrative } from '../src/index.js';
import { copyFixture, makeTempDir, plainAll, removeDir, sha256 } from './process-helpers.js';

const FIXTURE = 'deployed-v1-18col-9runs.db';

let dir: string;
beforeEach(() => {
  dir = makeTempDir('sdk-options');
});
afterEach(() => removeDir(dir));

/** The 18-column file migrated with the archive strategy: an empty runs.db and its archive. */
async function migrated(): Promise<{ folder: string; file: string; archive: string }> {
  const folder = path.join(dir, 'migrated');
  const file = copyFixture(FIXTURE, folder);
  await (await MetadataManager.open({ adapter: adapterIn(folder) })).close();
  return { folder, file, archive: path.join(folder, 'runs_v1_archive.db') };
}

function adapterIn(folder: string) {
  return createNodeSqliteAdapter({ directory: folder });
}

const count = (file: string, table: string) =>
  Number(plainAll(file, `SELECT count(*) AS n FROM "${table}"`)[0]?.n);

/** The error `attempt` fails with (sync throw or rejection). */
async function failure(attempt: () => unknown): Promise<unknown> {
  try {
    await attempt();
  } catch (error) {
    return error;
  }
  return null;
}

async function rejection(attempt: () => unknown): Promise<ValidationError> {
  const error = await failure(attempt);
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('carryOverArchive options', () => {
  it.each([
    ['a typo (dryrun)', { dryrun: true }, 'dryrun', 'did you mean dryRun?'],
    ['backfill as text', { backfill: 'yes' }, 'backfill', '(got "yes")'],
    ['a page size of 0', { pageSize: 0 }, 'pageSize', 'at least 1'],
    ['a negative lock timeout', { lockTimeoutMs: -1 }, 'lockTimeoutMs', 'negative'],
    ['an empty database name', { database: '' }, 'database', 'empty'],
    ['a progress callback that is not a function', { onProgress: 'log' }, 'onProgress', 'function'],
    ['a signal that is not an AbortSignal', { signal: {} }, 'signal', 'AbortSignal'],
    ['an adapter that is not one', { adapter: 5 }, 'adapter', 'storage adapter'],
  ])(
    'refuses %s before carrying anything, through both entry points',
    async (_label, extra, field, text) => {
      const { folder, file } = await migrated();
      const before = snapshotDir(folder);
      for (const entry of [carryOverArchive, MetadataManager.carryOverArchive]) {
        const error = await rejection(() =>
          entry({ adapter: adapterIn(folder), ...extra } as never),
        );
        expect(error.field).toBe(field);
        expect(error.message).toContain(text);
        expect(error.exitCode).toBe(2);
      }
      expect(snapshotDir(folder)).toEqual(before);
      expect(count(file, 'runs')).toBe(0);
    },
  );

  it('refuses a missing options object, naming it', async () => {
    for (const given of [undefined, null, 'runs.db']) {
      const error = await rejection(() => carryOverArchive(given as never));
      expect(error.field).toBe('options');
      expect(error.message).toContain('must be an object');
    }
  });
});

describe('the other exported functions that take options, an adapter or an object', () => {
  it('findLeftovers checks its adapter and database name', async () => {
    const { folder } = await migrated();
    expect((await rejection(() => findLeftovers(5 as never, 'runs.db'))).field).toBe('adapter');
    expect((await rejection(() => findLeftovers(adapterIn(folder), 5 as never))).field).toBe(
      'database',
    );
    expect((await rejection(() => findLeftovers(adapterIn(folder), ''))).field).toBe('database');
  });

  it('openDatabase refuses a typo of readOnly instead of opening for writing', async () => {
    const { folder } = await migrated();
    const before = snapshotDir(folder);
    const adapter = adapterIn(folder);
    const typo = await rejection(() =>
      openDatabase(adapter, 'runs.db', { readonly: true } as never),
    );
    expect(typo.field).toBe('readonly');
    expect(typo.message).toContain('did you mean readOnly?');
    expect((await rejection(() => openDatabase(5 as never, 'runs.db'))).field).toBe('adapter');
    expect((await rejection(() => openDatabase(adapter, ''))).field).toBe('name');
    expect(snapshotDir(folder)).toEqual(before);
  });

  it('planMigration and applyMigration check the schema, the plan and the options; the v1 file is untouched', async () => {
    const folder = path.join(dir, 'v1');
    const file = copyFixture(FIXTURE, folder);
    const before = snapshotDir(folder);
    const adapter = adapterIn(folder);
    const db = await openDatabase(adapter, 'runs.db', { readOnly: true });
    const schema = await observeSchema(db);
    await db.close();
    const planField = async (attempt: () => unknown) => (await rejection(attempt)).field;
    expect(await planField(() => planMigration(schema, { databse: 'x' } as never))).toBe('databse');
    expect(await planField(() => planMigration(schema, { strategy: 'bogus' } as never))).toBe(
      'strategy',
    );
    expect(await planField(() => planMigration(schema, { dialect: 5 } as never))).toBe('dialect');
    expect(await planField(() => planMigration({} as never))).toBe('schema');
    const plan = planMigration(schema, { existing: await adapter.list() });
    expect(plan.action).toBe('migrate');
    expect(await planField(() => applyMigration(5 as never, plan))).toBe('adapter');
    expect(await planField(() => applyMigration(adapter, undefined as never))).toBe('plan');
    expect(await planField(() => applyMigration(adapter, plan, { pagesize: 10 } as never))).toBe(
      'pagesize',
    );
    expect(await planField(() => applyMigration(adapter, plan, { onProgress: 1 } as never))).toBe(
      'onProgress',
    );
    expect(await planField(() => applyMigration(adapter, plan, { signal: 'stop' } as never))).toBe(
      'signal',
    );
    expect(snapshotDir(folder)).toEqual(before);
    expect(plainAll(file, 'PRAGMA table_info(runs)').map((c) => c.name)).not.toContain(
      'schema_version',
    );
  });

  it('describeChanges and changesSinceMigration check what they are given', async () => {
    const { folder } = await migrated();
    const changes = await rejection(() => describeChanges(undefined as never));
    expect(changes.field).toBe('changes');
    expect(changes.message).toContain('must be an object');
    expect((await rejection(() => describeChanges({ newRuns: 1 } as never))).field).toMatch(
      /^changes\./,
    );
    const db = await openDatabase(adapterIn(folder), 'runs.db', { readOnly: true });
    try {
      expect((await rejection(() => changesSinceMigration(5 as never, db))).field).toBe('active');
      expect((await rejection(() => changesSinceMigration(db, {} as never))).field).toBe('archive');
    } finally {
      await db.close();
    }
  });

  it('copyTables and copyDatabase check their databases, target and options; nothing is created', async () => {
    const { folder } = await migrated();
    const target = path.join(dir, 'target');
    fs.mkdirSync(target);
    const source = await openDatabase(adapterIn(folder), 'runs.db', { readOnly: true });
    try {
      expect((await rejection(() => copyTables(source, 5 as never))).field).toBe('target');
      expect(
        (await rejection(() => copyTables(source, source, { pagesize: 1 } as never))).field,
      ).toBe('pagesize');
      expect((await rejection(() => copyDatabase(source, 5 as never, 'copy.db'))).field).toBe(
        'target',
      );
      expect((await rejection(() => copyDatabase(source, adapterIn(target), ''))).field).toBe(
        'name',
      );
      expect(
        (
          await rejection(() =>
            copyDatabase(source, adapterIn(target), 'copy.db', { replace: 'yes' } as never),
          )
        ).field,
      ).toBe('replace');
    } finally {
      await source.close();
    }
    expect(fs.readdirSync(target)).toEqual([]);
  });

  it('buildDemoDatabase, createMemoryContainer, interruptionPoint and loadLatestNarrative check theirs', async () => {
    const demo = path.join(dir, 'demo');
    fs.mkdirSync(demo);
    expect((await rejection(() => buildDemoDatabase(5 as never))).field).toBe('adapter');
    expect(
      (await rejection(() => buildDemoDatabase(adapterIn(demo), { v1runs: 3 } as never))).field,
    ).toBe('v1runs');
    expect(fs.readdirSync(demo)).toEqual([]);
    expect(
      (await rejection(() => createMemoryContainer({ onchange: () => {} } as never))).field,
    ).toBe('onchange');
    expect((await rejection(() => interruptionPoint({} as never))).field).toBe('signal');
    expect((await rejection(() => loadLatestNarrative('', 'board'))).field).toBe('datasetsDir');
    expect(
      (await rejection(() => loadLatestNarrative(dir, 'board', { onwarning: () => {} } as never)))
        .field,
    ).toBe('onwarning');
  });
});

describe('carryOverArchive progress and signal', () => {
  it('reports each page, rising to what an independent count of the archive says', async () => {
    const { folder, archive } = await migrated();
    const events: CarryOverArchiveProgress[] = [];
    const result = await carryOverArchive({
      adapter: adapterIn(folder),
      pageSize: 2,
      onProgress: (p) => events.push(p),
    });
    expect(result.runsCarried).toBe(count(archive, 'runs'));
    for (const step of ['survey', 'carry-over'] as const) {
      for (const table of ['runs', 'resolution_assignments']) {
        const seen = events.filter((e) => e.step === step && e.table === table);
        const rows = count(archive, table);
        // One event per page of 2 rows, each further than the last, ending at every row.
        expect(seen.length, `${step} ${table}`).toBe(Math.ceil(rows / 2));
        expect(seen.map((e) => e.done)).toEqual(
          [...seen.map((e) => e.done)].sort((a, b) => a! - b!),
        );
        expect(seen.at(-1)).toMatchObject({ done: rows, total: rows });
      }
    }
    expect(events.at(-1)).toEqual({ step: 'verify' });
  });

  it('an abort mid-copy rolls back: InterruptedError, runs.db byte-identical, nothing left beside it', async () => {
    const { folder, file, archive } = await migrated();
    const before = snapshotDir(folder);
    const controller = new AbortController();
    const error = await failure(() =>
      carryOverArchive({
        adapter: adapterIn(folder),
        pageSize: 2,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.step === 'carry-over') controller.abort('test');
        },
      }),
    );
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as InterruptedError).reason).toBe('test');
    expect((error as Error).message).toContain(`interrupted; ${file} unchanged`);
    expect(snapshotDir(folder)).toEqual(before);
    expect(count(file, 'runs')).toBe(0);
    expect(sha256(archive)).toBe(before['runs_v1_archive.db']);
  });
});

describe('query() refuses writes', () => {
  it('with a hint about the write methods, not about permissions (the file is writable)', async () => {
    const { folder, file } = await migrated();
    fs.accessSync(file, fs.constants.W_OK);
    const manager = await MetadataManager.open({ adapter: adapterIn(folder) });
    await manager.startRun({ runId: 'kept', templateId: 't', causalMode: 'forward' });
    try {
      for (const sql of ['delete from runs', "UPDATE runs SET status = 'failed'"]) {
        const error = await failure(() => manager.query(sql));
        expect(error).toBeInstanceOf(ReadOnlyError);
        const { hint, message } = error as ReadOnlyError;
        expect(hint).not.toMatch(/permission/i);
        expect(hint).toContain('query() accepts reads only');
        expect(hint).toContain('completeRun');
        expect(message).toContain(hint!);
      }
    } finally {
      await manager.close();
    }
    expect(plainAll(file, 'SELECT run_id, status FROM runs')).toEqual([
      { run_id: 'kept', status: 'running' },
    ]);
  });
});
