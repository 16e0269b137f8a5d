/**
 * `MetadataManager.rollback` counts columns added since an archive-strategy
 * migration, and new runs, checked against plain reads of the files: the backup's
 * columns and its history rows (no runmeta code on the reading side).
 */
import path from 'node:path';
import { MetadataManager } from '@runmeta/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeSqliteAdapter, openRunDatabase } from '../src/index.js';
import { copyFixture, makeTempDir, plainAll, removeDir } from './process-helpers.js';

let dir: string;
beforeEach(() => {
  dir = makeTempDir('rollback-changes');
});
afterEach(() => removeDir(dir));

/** Columns recorded as added after the migration, from the history table. */
function addedSince(file: string): string[] {
  return plainAll(
    file,
    "SELECT details FROM runmeta_migrations WHERE kind = 'add-columns' ORDER BY id",
  ).flatMap((row) => JSON.parse(String(row.details)).addedColumns as string[]);
}

describe.each(['deployed-v1-18col-9runs.db', 'deployed-v1-20col-393runs.db'])(
  'rollback of an archive-strategy migration of %s',
  (fixture) => {
    it('names the new run and the summary columns added since', async () => {
      const file = copyFixture(fixture, dir);
      const manager = await openRunDatabase(file);
      const run = await manager.startRun({ templateId: 't', causalMode: 'forward' });
      await manager.updateSummary(run.runId, 'what happened');
      await manager.close();
      const added = addedSince(file);
      const newRuns = Number(plainAll(file, 'SELECT count(*) AS n FROM runs')[0]?.n);
      const result = await MetadataManager.rollback({
        adapter: createNodeSqliteAdapter({ directory: dir }),
        confirm: true,
      });
      expect(added.length).toBeGreaterThan(0);
      expect(result.changes).toMatchObject({
        newRuns,
        changedRuns: 0,
        runsWithV2Fields: 0,
        columnsAdded: added,
      });
      expect(result.warning).toContain(`only in ${path.join(dir, 'runs_v2_backup.db')}`);
      expect(result.warning).toContain('1 run started since the migration');
      expect(result.warning).toContain(`${added.length} columns added since (${added.join(', ')})`);
    });
  },
);

it('says so when nothing was written since the migration', async () => {
  const file = copyFixture('deployed-v1-18col-9runs.db', dir);
  await (await openRunDatabase(file)).close();
  const result = await MetadataManager.rollback({
    adapter: createNodeSqliteAdapter({ directory: dir }),
    confirm: true,
  });
  expect(result.changes).toMatchObject({
    newRuns: 0,
    changedRuns: 0,
    runsWithV2Fields: 0,
    childRowsAdded: { mechanism_usage: 0, resolution_assignments: 0, validations: 0 },
    columnsAdded: [],
  });
  expect(result.warning).toMatch(/^nothing was written since the migration/);
});
