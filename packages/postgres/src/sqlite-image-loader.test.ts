/**
 * `@runmeta/postgres` installs without a native addon: better-sqlite3 (through
 * `@runmeta/node-sqlite`) is needed only by the SQLite-image entry, which the
 * adapter imports on first use.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StorageError } from '@runmeta/core';
import { describe, expect, it } from 'vitest';
import { codecUnavailable, loadSqliteImageCodec } from './sqlite-image-loader.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const manifest = JSON.parse(readFileSync(path.join(here, '..', 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};
const NATIVE = ['better-sqlite3', '@runmeta/node-sqlite'];

/** An error as Node's ESM loader reports a package it cannot find. */
const notFound = (name: string) =>
  Object.assign(new Error(`Cannot find package '${name}' imported from /app/sqlite-image.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });

describe('@runmeta/postgres without better-sqlite3', () => {
  it('depends on neither better-sqlite3 nor @runmeta/node-sqlite; the latter is an optional peer', () => {
    for (const name of NATIVE) expect(manifest.dependencies).not.toHaveProperty(name);
    expect(manifest.peerDependenciesMeta['@runmeta/node-sqlite']?.optional).toBe(true);
  });

  it('imports @runmeta/node-sqlite statically only in the sqlite-image entry', () => {
    const importers = readdirSync(here)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .filter((file) =>
        readFileSync(path.join(here, file), 'utf8').includes("from '@runmeta/node-sqlite'"),
      );
    expect(importers).toEqual(['sqlite-image.ts']);
  });

  it('loads the codec when its packages are installed', async () => {
    const codec = await loadSqliteImageCodec();
    expect(typeof codec.exportSqliteImage).toBe('function');
    expect(typeof codec.importSqliteImage).toBe('function');
  });

  it.each(NATIVE)('turns a missing %s into a StorageError saying what to install', async (name) => {
    const error = await loadSqliteImageCodec(() => Promise.reject(notFound(name))).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe('RUNMETA_STORAGE');
    expect((error as StorageError).message).toContain('need @runmeta/node-sqlite');
    expect((error as StorageError).hint).toBe(
      'Install it beside @runmeta/postgres: npm install @runmeta/node-sqlite',
    );
    expect((error as StorageError).cause).toBeInstanceOf(Error);
  });

  it('passes any other failure on unchanged', () => {
    const broken = new Error('The module was compiled against a different Node.js version');
    expect(codecUnavailable(broken)).toBe(broken);
    const other = notFound('left-pad');
    expect(codecUnavailable(other)).toBe(other);
    expect(codecUnavailable(undefined)).toBeUndefined();
  });
});
