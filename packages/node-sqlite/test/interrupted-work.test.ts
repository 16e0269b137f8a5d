/**
 * The SDK side of interrupted work: an `AbortSignal` cancels a migration or an
 * import cleanly (the original byte-identical, nothing left beside it), and
 * `findLeftovers` reports what a killed process left, checked against the folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  findLeftovers,
  InterruptedError,
  importRunDatabase,
  MetadataManager,
  type RunmetaError,
} from '@runmeta/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeSqliteAdapter } from '../src/index.js';
import { copyFixture, makeTempDir, removeDir, sha256 } from './process-helpers.js';

const FIXTURE = 'deployed-v1-20col-393runs.db';

let dir: string;
beforeEach(() => {
  dir = makeTempDir('interrupted');
});
afterEach(() => removeDir(dir));

/** Open with carry-over and abort once `when` sees a progress event; resolves to the error. */
async function abortedOpen(
  memory: boolean,
  when: (step: string, done?: number) => boolean,
): Promise<{
  error: RunmetaError;
  before: string;
  adapter: ReturnType<typeof createNodeSqliteAdapter>;
}> {
  const file = copyFixture(FIXTURE, dir);
  const adapter = memory
    ? createNodeSqliteAdapter({ memory: true })
    : createNodeSqliteAdapter({ directory: dir });
  if (memory) await adapter.writeBytes('runs.db', new Uint8Array(fs.readFileSync(file)));
  const before = sha256(file);
  const controller = new AbortController();
  const error = await MetadataManager.open({
    adapter,
    migration: { strategy: 'carry-over', backfill: true, pageSize: 50 },
    signal: controller.signal,
    onMigrationProgress: (p) => {
      if (when(p.step, p.done)) controller.abort('test');
    },
  }).then(
    async (manager) => {
      await manager.close();
      throw new Error('the migration was not interrupted');
    },
    (e: RunmetaError) => e,
  );
  return { error, before, adapter };
}

describe('an AbortSignal during a carry-over', () => {
  it.each([
    ['mid-copy', (step: string, done?: number) => step === 'carry-over' && (done ?? 0) > 0],
    ['mid-backfill', (step: string, done?: number) => step === 'backfill' && (done ?? 0) > 0],
    ['before indexes', (step: string) => step === 'create-indexes'],
  ])(
    '%s: InterruptedError, runs.db byte-identical, nothing left beside it',
    async (_name, when) => {
      const { error, before } = await abortedOpen(false, when);
      expect(error).toBeInstanceOf(InterruptedError);
      expect(error.code).toBe('RUNMETA_INTERRUPTED');
      expect((error as InterruptedError).reason).toBe('test');
      expect(error.message).toBe(
        `[runmeta] interrupted; ${path.join(dir, 'runs.db')} unchanged; the partly built ${path.join(dir, 'runs.db.v2-building')} was removed. ${error.hint}`,
      );
      expect(sha256(path.join(dir, 'runs.db'))).toBe(before);
      expect(fs.readdirSync(dir)).toEqual(['runs.db']);
    },
  );

  it('in memory (copy through JavaScript): the database is unchanged and no aside is left', async () => {
    const { error, adapter } = await abortedOpen(
      true,
      (step, done) => step === 'carry-over' && (done ?? 0) > 0,
    );
    expect(error).toBeInstanceOf(InterruptedError);
    expect(await adapter.list()).toEqual(['runs.db']);
    const bytes = await adapter.readBytes('runs.db');
    expect(Buffer.from(bytes).equals(fs.readFileSync(path.join(dir, 'runs.db')))).toBe(true);
  });

  it('a page size that is not a whole number ≥ 1 is refused before anything is done', async () => {
    const file = copyFixture(FIXTURE, dir);
    const before = sha256(file);
    for (const pageSize of [0, 2.5, -1]) {
      await expect(
        MetadataManager.open({
          adapter: createNodeSqliteAdapter({ directory: dir }),
          migration: { strategy: 'carry-over', pageSize },
        }),
      ).rejects.toMatchObject({ code: 'RUNMETA_VALIDATION', field: 'migration.pageSize' });
    }
    expect(sha256(file)).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(['runs.db']);
  });
});

describe('an AbortSignal during an import', () => {
  it('during the copy: nothing imported, nothing left, the source byte-identical', async () => {
    const source = copyFixture(FIXTURE, path.join(dir, 'source'));
    const before = sha256(source);
    const target = path.join(dir, 'target');
    const controller = new AbortController();
    const error = await importRunDatabase({
      from: { adapter: createNodeSqliteAdapter({ directory: path.dirname(source) }) },
      to: { adapter: createNodeSqliteAdapter({ directory: target }) },
      migration: { strategy: 'carry-over' },
      pageSize: 100,
      signal: controller.signal,
      onProgress: (_table, done) => {
        if (done > 0) controller.abort('test');
      },
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as Error).message).toContain(
      `interrupted; nothing was imported into ${path.join(target, 'runs.db')}`,
    );
    expect(fs.readdirSync(target)).toEqual([]);
    expect(sha256(source)).toBe(before);
  });
});

describe('findLeftovers', () => {
  /** Size of a file in the folder. */
  const size = (name: string) => fs.statSync(path.join(dir, name)).size;

  it('reports an aside, a restoring copy, an import aside and a dead process lock, with sizes and fates', async () => {
    const db = copyFixture('deployed-v1-18col-9runs.db', dir);
    fs.copyFileSync(db, path.join(dir, 'runs.db.v2-building'));
    fs.writeFileSync(path.join(dir, 'runs.db.v2-building-journal'), Buffer.alloc(512));
    fs.copyFileSync(db, path.join(dir, 'runs.db.v1-restoring'));
    fs.copyFileSync(db, path.join(dir, 'runs.db.importing'));
    fs.writeFileSync(path.join(dir, 'runs.db.runmeta-lock'), '');
    // A pid that cannot run: the lock's holder is gone.
    const note = {
      pid: 2 ** 22 + 1,
      hostname: (await import('node:os')).hostname(),
      since: 'then',
    };
    fs.writeFileSync(path.join(dir, 'runs.db.runmeta-lock.json'), JSON.stringify(note));
    const found = await findLeftovers(createNodeSqliteAdapter({ directory: dir }));
    expect(found.map((l) => [l.name, l.kind, l.fate, l.bytes])).toEqual([
      [
        'runs.db.v2-building',
        'migration',
        'removed-by-next-migration',
        size('runs.db.v2-building') + size('runs.db.v2-building-journal'),
      ],
      [
        'runs.db.v1-restoring',
        'rollback',
        'removed-by-next-migration',
        size('runs.db.v1-restoring'),
      ],
      ['runs.db.importing', 'import', 'removed-by-next-import', size('runs.db.importing')],
      [
        'runs.db',
        'lock',
        'removed-by-next-migration',
        size('runs.db.runmeta-lock') + size('runs.db.runmeta-lock.json'),
      ],
    ]);
    expect(found[3]!.holder).toEqual({ ...note, running: false });
    expect(found[0]!.files.map((f) => f.name)).toEqual([
      'runs.db.v2-building',
      'runs.db.v2-building-journal',
    ]);
  });

  it('a complete aside with runs.db missing will be moved into place; a live holder means in use', async () => {
    const db = copyFixture('deployed-v1-18col-9runs.db', dir);
    const adapter = createNodeSqliteAdapter({ directory: dir });
    await (await MetadataManager.open({ adapter })).close();
    // As if killed between the two renames: the archive, and the finished v2 file aside.
    fs.renameSync(db, path.join(dir, 'runs.db.v2-building'));
    let found = await findLeftovers(adapter);
    expect(found.map((l) => [l.name, l.fate])).toEqual([
      ['runs.db.v2-building', 'installed-by-next-migration'],
    ]);
    const release = await adapter.lock!('runs.db', { timeoutMs: 1000 });
    try {
      found = await findLeftovers(adapter);
      expect(found.map((l) => [l.name, l.fate])).toEqual([
        ['runs.db.v2-building', 'in-use'],
        ['runs.db', 'in-use'],
      ]);
      expect(found[0]!.holder).toMatchObject({ pid: process.pid, running: true });
    } finally {
      await release();
    }
    expect(fs.readdirSync(dir).sort()).toEqual(['runs.db.v2-building', 'runs_v1_archive.db']);
  });

  it('in memory: the storage cannot tell sizes, but the aside is still found', async () => {
    const adapter = createNodeSqliteAdapter({ memory: true });
    await adapter.writeBytes(
      'runs.db.v2-building',
      new Uint8Array(fs.readFileSync(copyFixture('deployed-v1-18col-9runs.db', dir))),
    );
    expect(await findLeftovers(adapter)).toMatchObject([
      { name: 'runs.db.v2-building', bytes: null, files: [], fate: 'removed-by-next-migration' },
    ]);
  });
});
