/**
 * Rollback to the v1 archive: only when confirmed, keeping the v2 database as a
 * backup, counting what only the backup holds, and finishing an interrupted one.
 */
import { expect } from 'vitest';
import { NeedsMigrationError } from '../../errors.js';
import { MetadataManager } from '../../manager/metadata-manager.js';
import { restoringNameFor } from '../../migrate/working-names.js';
import { group } from './context.js';
import { DB, rawExec, sameBytes, seedDocumentedV1 } from './sql-helpers.js';

export const rollback = group('rollback restores the v1 database and keeps v2 in a backup', {
  'rolls back to the archive, keeping v2 runs in a backup, only when confirmed': async ({
    open,
    options,
  }) => {
    const adapter = await options.createAdapter();
    await seedDocumentedV1(adapter);
    const original = await adapter.readBytes(DB);
    const manager = await open(adapter);
    await manager.startRun({ runId: 'v2_only', templateId: 't', causalMode: 'forward' });
    await manager.close();
    await expect(MetadataManager.rollback({ adapter, confirm: false })).rejects.toMatchObject({
      field: 'confirm',
    });
    expect(await adapter.exists('runs_v1_archive.db')).toBe(true);
    const result = await MetadataManager.rollback({ adapter, confirm: true });
    expect(result.v2Runs).toBe(1);
    expect(result.warning).toContain(adapter.describe('runs_v2_backup.db'));
    expect(sameBytes(await adapter.readBytes(DB), original)).toBe(true);
    expect(await adapter.list()).toEqual([DB, 'runs_v2_backup.db']);
    const backup = await open(adapter, { database: 'runs_v2_backup.db', readOnly: true });
    expect((await backup.getRun('v2_only')).templateId).toBe('t');
    await backup.close();
    await expect(MetadataManager.rollback({ adapter, confirm: true })).rejects.toMatchObject({
      code: 'RUNMETA_ARCHIVE_CONFLICT',
    });
  },
  'counts, by kind, what only the backup holds after a carry-over with backfill': async ({
    open,
    options,
  }) => {
    const adapter = await options.createAdapter();
    await seedDocumentedV1(adapter);
    // A run still going when the file was migrated: it takes events afterwards.
    await rawExec(adapter, DB, [["UPDATE runs SET status = 'running' WHERE run_id = 'v1_run_1'"]]);
    const manager = await open(adapter, {
      migration: { strategy: 'carry-over', backfill: true },
    });
    const carried = (await manager.getAllRuns()).length;
    await manager.recordMechanism('v1_run_1', { mechanism: 'M3', functionName: 'seed' });
    await manager.saveMetadata({ ...(await manager.getRun('v1_run_2')), goal: 'changed' });
    await manager.startRun({ runId: 'v2_only', templateId: 't', causalMode: 'forward' });
    await manager.close();
    const result = await MetadataManager.rollback({ adapter, confirm: true });
    expect(result.changes).toMatchObject({
      newRuns: 1,
      changedRuns: 2,
      // Backfill gave every carried-over run (all have tokens_used) actual_tokens_used.
      runsWithV2Fields: carried,
      childRowsAdded: { mechanism_usage: 1, resolution_assignments: 0, validations: 0 },
      columnsAdded: [],
    });
    expect(result.warning).toContain('1 run started since the migration');
    expect(result.warning).toContain('2 carried-over runs changed since');
    expect(result.warning).toContain('1 child row added to carried-over runs (mechanism_usage 1)');
  },
  'finishes a rollback interrupted after the v2 database moved to its backup': async ({
    open,
    options,
  }) => {
    const adapter = await options.createAdapter();
    await seedDocumentedV1(adapter);
    const original = await adapter.readBytes(DB);
    await (await open(adapter)).close();
    await adapter.copy('runs_v1_archive.db', restoringNameFor(DB));
    await adapter.move(DB, 'runs_v2_backup.db');
    await expect(open(adapter, { autoMigrate: false })).rejects.toBeInstanceOf(NeedsMigrationError);
    expect(sameBytes(await adapter.readBytes(DB), original)).toBe(true);
    expect(await adapter.exists(restoringNameFor(DB))).toBe(false);
  },
});
