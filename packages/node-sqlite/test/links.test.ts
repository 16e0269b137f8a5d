/**
 * Symbolic links through the SDK: `openRunDatabase(path)` resolves a
 * link given as the path once and works beside the real file; inside an
 * adapter's folder a database name that is a link is refused, never followed
 * or renamed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MetadataManager, NotADatabaseError } from '@runmeta/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeSqliteAdapter, openRunDatabase } from '../src/index.js';
import { copyFixture, makeTempDir, plainAll, removeDir, sha256 } from './process-helpers.js';

const FIXTURE = 'deployed-v1-18col-9runs.db';
let root: string;
beforeAll(() => {
  root = makeTempDir('links');
});
afterAll(() => removeDir(root));

const countRuns = (file: string) => Number(plainAll(file, 'SELECT count(*) AS n FROM runs')[0]?.n);

describe('a symbolic link as the database', () => {
  it('openRunDatabase(link) migrates beside the real file; the link then opens the v2 database', async () => {
    const real = copyFixture(FIXTURE, path.join(root, 'real'));
    fs.chmodSync(real, 0o644);
    const runs = countRuns(real);
    const linkDir = path.join(root, 'elsewhere');
    fs.mkdirSync(linkDir);
    const link = path.join(linkDir, 'runs.db');
    fs.symlinkSync(real, link);
    const manager = await openRunDatabase(link);
    try {
      expect(manager.migration?.archivePath).toBe(
        path.join(path.dirname(real), 'runs_v1_archive.db'),
      );
    } finally {
      await manager.close();
    }
    expect(fs.readdirSync(linkDir)).toEqual(['runs.db']);
    expect(fs.readlinkSync(link)).toBe(real);
    expect(countRuns(path.join(path.dirname(real), 'runs_v1_archive.db'))).toBe(runs);
    const again = await openRunDatabase(link, { readOnly: true });
    try {
      expect(again.detection.kind).toBe('v2');
      expect(await again.getAllRuns({ includeArchive: true })).toHaveLength(runs);
    } finally {
      await again.close();
    }
  });

  it('an adapter whose folder holds a link at the database name refuses it, typed, and leaves both alone', async () => {
    const real = copyFixture(FIXTURE, path.join(root, 'real-2'));
    const before = sha256(real);
    const folder = path.join(root, 'folder-with-link');
    fs.mkdirSync(folder);
    fs.symlinkSync(real, path.join(folder, 'runs.db'));
    const error = await MetadataManager.open({
      adapter: createNodeSqliteAdapter({ directory: folder }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotADatabaseError);
    expect((error as NotADatabaseError).message).toContain('symbolic link');
    expect((error as NotADatabaseError).hint).toContain('openRunDatabase');
    expect(fs.readdirSync(folder)).toEqual(['runs.db']);
    expect(fs.lstatSync(path.join(folder, 'runs.db')).isSymbolicLink()).toBe(true);
    expect(sha256(real)).toBe(before);
  });
});
