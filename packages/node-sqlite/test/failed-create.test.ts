/**
 * A new database whose creation fails after it was moved into place (its
 * verification cannot read it) is taken away again: a typed error that says
 * so, and nothing left in the folder.
 */
import fs from 'node:fs';
import { MetadataManager, type OpenOptions, StorageError } from '@runmeta/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createNodeSqliteAdapter } from '../src/index.js';
import { makeTempDir, removeDir } from './process-helpers.js';

const dir = makeTempDir('failed-create');
afterAll(() => removeDir(dir));

describe('a failed creation', () => {
  it('is undone without an archive to restore: typed error, empty folder', async () => {
    const files = createNodeSqliteAdapter({ directory: dir });
    // The verification opens the installed database read-only: that open fails.
    const adapter = {
      ...files,
      open: (name: string, options?: OpenOptions) => {
        if (name === 'runs.db' && options?.readOnly) {
          return Promise.reject(new StorageError('the disk went away'));
        }
        return files.open(name, options);
      },
    };
    const error = await MetadataManager.open({ adapter }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'RUNMETA_MIGRATION_FAILED',
      message: expect.stringContaining('the disk went away; nothing was created'),
    });
    expect(fs.readdirSync(dir).filter((f) => !f.endsWith('.lock'))).toEqual([]);
  });
});
