/**
 * `MetadataManager.rollback` counts columns added since an archive-strategy
 * migration, and new runs, checked against plain reads of the files: the
 * backup's and the archive's columns (no runmeta code on the reading side).
 */
import path from 'node:path';
import { MetadataManager } from '@runmeta/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeSqliteAdapter, openRunDatabase } from '../src/index.js';
import { copyFixture, makeTempDir, plainAll, removeDir } from './process-helpers.js';

/** The 27 documented runs columns of schema v2. */
const V2_COLUMNS = [
  'run_id',
  'template_id',
  'created_at',
  'updated_at',
  'causal_mode',
  'goal',
  'origin_description',
  'entities_created',
  'timepoints_created',
  'training_examples',
  'cost_usd',
  'llm_calls',
  'tokens_used',
  'oxen_repo_url',
  'oxen_dataset_url',
  'error_message',
  'status',
  'portal_description',
  'portal_year',
  'origin_year',
  'backward_steps',
  'schema_version',
  'fidelity_strategy_json',
  'fidelity_distribution',
  'actual_tokens_used',
  'token_budget_compliance',
  'fidelity_efficiency_score',
];

let dir: string;
beforeEach(() => {
  dir = makeTempDir('rollback-changes');
});
afterEach(() => removeDir(dir));

function runsColumns(file: string): string[] {
  return plainAll(file, 'PRAGMA table_info(runs)').map((c) => String(c.name));
}

describe.each(['deployed-v1-18col-9runs.db', 'deployed-v1-20col-393runs.db'])(
  'rollback of an archive-strategy migration of %s',
  (fixture) => {
    it('names the new run, and the summary columns when only the backup has them', async () => {
      const file = copyFixture(fixture, dir);
      const manager = await openRunDatabase(file);
      const run = await manager.startRun({ templateId: 't', causalMode: 'forward' });
      await manager.updateSummary(run.runId, 'what happened');
      await manager.close();
      // What only the backup will have: runs columns neither documented v2 nor the archive has.
      const archived = runsColumns(path.join(dir, 'runs_v1_archive.db'));
      const added = runsColumns(file)
        .filter((c) => !V2_COLUMNS.includes(c) && !archived.includes(c))
        .map((c) => `runs.${c}`);
      const newRuns = Number(plainAll(file, 'SELECT count(*) AS n FROM runs')[0]?.n);
      const result = await MetadataManager.rollback({
        adapter: createNodeSqliteAdapter({ directory: dir }),
        confirm: true,
      });
      // The 18-column file lacks the summary columns; the 20-column one has them.
      expect(added.length).toBe(fixture.includes('18col') ? 2 : 0);
      expect(result.changes).toMatchObject({
        newRuns,
        changedRuns: 0,
        runsWithV2Fields: 0,
        columnsAdded: added,
      });
      expect(result.warning).toContain(`only in ${path.join(dir, 'runs_v2_backup.db')}`);
      expect(result.warning).toContain('1 run started since the migration');
      if (added.length)
        expect(result.warning).toContain(
          `${added.length} columns added since (${added.join(', ')})`,
        );
      else expect(result.warning).not.toContain('column');
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
