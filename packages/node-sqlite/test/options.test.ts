/**
 * Options are validated like every other input: a wrong value or an unknown key
 * (a typo) is a ValidationError naming the option, and the v1 file on disk stays
 * byte-identical — nothing is migrated, archived or created.
 */
import fs from 'node:fs';
import path from 'node:path';
import { importRunDatabase, MetadataManager, ValidationError } from '@runmeta/core';
import { createMemoryContainer } from '@runmeta/core/adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotDir } from '../../../test-support/temp-files.js';
import { createNodeSqliteAdapter, openRunDatabase } from '../src/index.js';
import { copyFixture, makeTempDir, plainAll, removeDir } from './process-helpers.js';

const FIXTURE = 'deployed-v1-18col-9runs.db';
let dir: string;
let file: string;

beforeAll(() => {
  dir = makeTempDir('options');
  file = copyFixture(FIXTURE, path.join(dir, 'metadata'));
});
afterAll(() => removeDir(dir));

async function rejection(attempt: () => Promise<unknown> | unknown): Promise<ValidationError> {
  let error: unknown;
  try {
    await attempt();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('openRunDatabase options', () => {
  it.each([
    [
      'an unknown migration strategy',
      { migration: { strategy: 'bogus' } },
      'migration.strategy',
      'archive or carry-over (got "bogus")',
    ],
    [
      'a typo in migration',
      { migration: { stratgy: 'carry-over' } },
      'migration.stratgy',
      'did you mean strategy?',
    ],
    [
      'backfill without carry-over',
      { migration: { backfill: true } },
      'migration.backfill',
      'carry-over',
    ],
    ['readonly (typo of readOnly)', { readonly: true }, 'readonly', 'did you mean readOnly?'],
    ['autoMigrate as text', { autoMigrate: 'false' }, 'autoMigrate', '(got "false")'],
    ['a negative lock timeout', { lockTimeoutMs: -5 }, 'lockTimeoutMs', '(got -5)'],
    ['a NaN busy timeout', { busyTimeoutMs: Number.NaN }, 'busyTimeoutMs', '(got NaN)'],
    [
      'an Infinity busy timeout',
      { busyTimeoutMs: Number.POSITIVE_INFINITY },
      'busyTimeoutMs',
      '(got Infinity)',
    ],
    ['database (set by the file name)', { database: 'other.db' }, 'database', 'unknown key'],
    [
      'a progress callback that is not a function',
      { onMigrationProgress: true },
      'onMigrationProgress',
      'function',
    ],
  ])('refuses %s, and the v1 file is untouched', async (_label, options, field, text) => {
    const before = snapshotDir(path.dirname(file));
    const error = await rejection(() => openRunDatabase(file, options as never));
    expect(error.field).toBe(field);
    expect(error.message).toContain(text);
    expect(error.exitCode).toBe(2);
    expect(snapshotDir(path.dirname(file))).toEqual(before);
    // Still v1: no schema_version column (checked with plain better-sqlite3).
    const columns = plainAll(file, 'PRAGMA table_info(runs)').map((c) => c.name);
    expect(columns).not.toContain('schema_version');
  });

  it('refuses a file name that is not text', async () => {
    expect((await rejection(() => openRunDatabase('' as never))).field).toBe('file');
    expect((await rejection(() => openRunDatabase(5 as never))).field).toBe('file');
  });

  it('returns a rejected promise, never throws synchronously', () => {
    const result = openRunDatabase(file, { readonly: true } as never);
    expect(result).toBeInstanceOf(Promise);
    return expect(result).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('createNodeSqliteAdapter options', () => {
  it.each([
    [{ directory: '' }, 'directory'],
    [{ directory: 5 }, 'directory'],
    [{ directory: 'x', busyTimeoutMs: -1 }, 'busyTimeoutMs'],
    [{ directory: 'x', busyTimeout: 100 }, 'busyTimeout'],
    [{ memory: false }, 'memory'],
    [{ memory: true, directory: 'x' }, 'directory'],
    [{}, 'directory'],
  ])('refuses %j', async (options, field) => {
    const error = await rejection(() => createNodeSqliteAdapter(options as never));
    expect(error.field).toBe(field);
    expect(fs.existsSync('x')).toBe(false);
  });
});

describe('importRunDatabase options', () => {
  it.each([
    [{ migration: { strategy: 'bogus' } }, 'migration.strategy'],
    [{ replace: 'yes' }, 'replace'],
    [{ pageSize: 0 }, 'pageSize'],
    [{ pagesize: 10 }, 'pagesize'],
    [{ onProgress: 'log' }, 'onProgress'],
    [{ to: { adapter: {} } }, 'to.adapter'],
    [{ from: { adapter: createMemoryContainer() } }, 'from.adapter'],
  ])('refuses %j and writes nothing', async (extra, field) => {
    const source = createNodeSqliteAdapter({ directory: path.dirname(file) });
    const target = createNodeSqliteAdapter({ directory: path.join(dir, 'target') });
    const before = snapshotDir(path.dirname(file));
    const error = await rejection(() =>
      importRunDatabase({ from: { adapter: source }, to: { adapter: target }, ...extra } as never),
    );
    expect(error.field).toBe(field);
    expect(fs.existsSync(path.join(dir, 'target'))).toBe(false);
    expect(snapshotDir(path.dirname(file))).toEqual(before);
  });

  it('MetadataManager.open refuses an object that is not an adapter', async () => {
    const error = await rejection(() => MetadataManager.open({ adapter: 'metadata' } as never));
    expect(error.field).toBe('adapter');
  });
});
