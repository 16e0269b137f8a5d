/**
 * Browser options are validated like every input: a wrong value or an unknown
 * key is a ValidationError naming the option, before sql.js loads, a lock is
 * taken or IndexedDB is touched.
 */
import 'fake-indexeddb/auto';
import { ValidationError } from '@runmeta/core';
import { describe, expect, it } from 'vitest';
import {
  createSqlJsAdapter,
  loadSqlJs,
  openBrowserStore,
  wrapSqlJsDatabase,
} from '../../src/index.js';

const single = { allowWithoutLocks: true } as const; // Node has no navigator.locks

async function rejection(attempt: () => Promise<unknown>): Promise<ValidationError> {
  const error = await attempt().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

/** Names of the IndexedDB databases that exist. */
const idbNames = async () => (await indexedDB.databases()).map((d) => d.name).sort();

describe('openBrowserStore options', () => {
  it.each([
    [{ autosaveMs: -1 }, 'autosaveMs', '(got -1)'],
    [{ autosaveMs: Number.NaN }, 'autosaveMs', '(got NaN)'],
    [{ autosaveMs: true }, 'autosaveMs', '(got true)'],
    [{ autosaveMS: 100 }, 'autosaveMS', 'did you mean autosaveMs?'],
    [{ maxBytes: 0 }, 'maxBytes', '(got 0)'],
    [{ maxBytes: 1.5 }, 'maxBytes', '(got 1.5)'],
    [{ lockTimeoutMs: Number.POSITIVE_INFINITY }, 'lockTimeoutMs', '(got Infinity)'],
    [{ access: 'readonly' }, 'access', '(got "readonly")'],
    [{ name: '' }, 'name', 'must not be empty'],
    [{ allowWithoutLocks: 'yes' }, 'allowWithoutLocks', '(got "yes")'],
    [{ requestPersistence: 0 }, 'requestPersistence', '(got 0)'],
    [{ locateFile: '/sql-wasm.wasm' }, 'locateFile', 'must be a function'],
  ])('refuses %o before touching IndexedDB', async (options, field, text) => {
    const before = await idbNames();
    const error = await rejection(() =>
      openBrowserStore({ name: 'never-made', ...single, ...options } as never),
    );
    expect(error.field).toBe(field);
    expect(error.message).toContain(text);
    expect(await idbNames()).toEqual(before);
  });

  it('validates importDatabase and exportDatabase arguments', async () => {
    const store = await openBrowserStore({ name: 'opts-import', autosaveMs: false, ...single });
    const bytes = new Uint8Array(100);
    expect(
      (await rejection(() => store.importDatabase(bytes, { replace: 'yes' } as never))).field,
    ).toBe('replace');
    expect(
      (await rejection(() => store.importDatabase(bytes, { nmae: 'x.db' } as never))).field,
    ).toBe('nmae');
    const source = await rejection(() => store.importDatabase('runs.db' as never));
    expect(source.field).toBe('source');
    expect(source.message).toContain('(got "runs.db")');
    expect((await rejection(() => store.exportDatabase(5 as never))).field).toBe('name');
    expect(await store.list()).toEqual([]);
    await store.close();
  });
});

describe('createSqlJsAdapter options', () => {
  it.each([
    [{ maxBytes: -1 }, 'maxBytes'],
    [{ maxbytes: 10 }, 'maxbytes'],
    [{ lockPrefix: '' }, 'lockPrefix'],
    [{ onCommit: 'save' }, 'onCommit'],
    [{ sqlJs: 'sql.js' }, 'sqlJs'],
    [{ autosaveMs: 10 }, 'autosaveMs'],
  ])('refuses %j', async (options, field) => {
    expect((await rejection(() => createSqlJsAdapter(options as never))).field).toBe(field);
  });
});

describe('loadSqlJs and wrapSqlJsDatabase options', () => {
  it('loadSqlJs refuses a typo or a wrong value with a rejected promise, never a throw', async () => {
    const typo = loadSqlJs({ locatefile: () => 'x' } as never);
    expect(typo).toBeInstanceOf(Promise);
    expect((await rejection(() => typo)).field).toBe('locatefile');
    expect((await rejection(() => loadSqlJs({ locateFile: 'x' } as never))).field).toBe(
      'locateFile',
    );
  });

  it('wrapSqlJsDatabase refuses what is not an sql.js database, and a typo in its options', async () => {
    const SQL = await loadSqlJs();
    const database = new SQL.Database();
    try {
      const wrap = async (...args: unknown[]) =>
        (wrapSqlJsDatabase as (...a: unknown[]) => unknown)(...args);
      expect((await rejection(() => wrap({}))).field).toBe('database');
      expect((await rejection(() => wrap(database, { readonly: true }))).field).toBe('readonly');
      // Refused before anything ran on it: query_only was not switched on.
      expect(database.exec('PRAGMA query_only')[0]?.values).toEqual([[0]]);
    } finally {
      database.close();
    }
  });
});
