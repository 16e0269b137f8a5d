/**
 * Writes around the v1 archive: a write to a run that sits only in the read-only
 * archive says so, stale and iterated runs can include the archive (a run in both
 * read once, the active copy), and `MetadataManager.carryOverArchive` copies the
 * archive into the active database later — skipping runs it holds, keeping the
 * archive unchanged, verified, recorded, and carrying nothing the second time.
 */
import { expect } from 'vitest';
import { NeedsMigrationError, RunNotFoundError } from '../../errors.js';
import { MetadataManager } from '../../manager/metadata-manager.js';
import type { StorageAdapter } from '../../storage/adapter.js';
import { countingAdapter } from '../counting-adapter.js';
import { type AdapterUnderTest, group } from './context.js';
import { DB, exactBytes, raw, rawExec, seedDocumentedV1 } from './sql-helpers.js';

const ARCHIVE = 'runs_v1_archive.db';

const count = async (adapter: StorageAdapter, name: string, sql: string) =>
  Number((await raw(adapter, name, sql))[0]?.n);

/** A documented v1 database of five runs (v1_run_1 still running), migrated with the archive strategy. */
async function archived(options: AdapterUnderTest) {
  const adapter = await options.createAdapter();
  await seedDocumentedV1(adapter);
  await rawExec(adapter, DB, [["UPDATE runs SET status = 'running' WHERE run_id = 'v1_run_1'"]]);
  const original = await adapter.readBytes(DB);
  const manager = await MetadataManager.open({ adapter });
  expect(manager.migration?.strategy).toBe('archive');
  return { adapter, manager, original };
}

export const archiveWrites = group('writes and the v1 archive', {
  'a write to a run only in the archive names the archive; other missing runs do not': async ({
    options,
  }) => {
    const { adapter, manager } = await archived(options);
    const archive = adapter.describe(ARCHIVE);
    for (const write of [
      () => manager.recordMechanism('v1_run_1', { mechanism: 'M3', functionName: 'f' }),
      () =>
        manager.completeRun('v1_run_1', {
          entitiesCreated: 1,
          timepointsCreated: 1,
          costUsd: 0,
          tokensUsed: 1,
        }),
      () => manager.updateSummary('v1_run_1', 'text'),
    ]) {
      const error = await write().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RunNotFoundError);
      expect(error).toMatchObject({ runId: 'v1_run_1', archive });
      expect((error as Error).message).toContain('read-only');
      expect((error as Error).message).toContain('carryOverArchive');
    }
    // A new run may not take the id of an archived one (it would shadow it).
    await expect(
      manager.startRun({ runId: 'v1_run_2', templateId: 't', causalMode: 'forward' }),
    ).rejects.toMatchObject({ field: 'runId', message: expect.stringContaining(archive) });
    const missing = await manager
      .recordMechanism('nowhere', { mechanism: 'M3', functionName: 'f' })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ runId: 'nowhere', archive: null });
    await manager.close();
    expect(await count(adapter, DB, 'SELECT count(*) AS n FROM mechanism_usage')).toBe(0);
  },
  'findStaleRuns and iterateRuns include the archive when asked, a run in both read once (active)':
    async ({ options }) => {
      const { manager } = await archived(options);
      await manager.saveMetadata({
        runId: 'v1_run_3',
        templateId: 'active_copy',
        status: 'running',
        createdAt: '2024-02-01T00:00:00',
      });
      await manager.startRun({ runId: 'fresh', templateId: 't', causalMode: 'forward' });
      const now = new Date('2030-01-01T00:00:00Z');
      expect((await manager.findStaleRuns({ olderThanMs: 0, now })).map((r) => r.runId)).toEqual([
        'v1_run_3',
        'fresh',
      ]);
      const all = await manager.findStaleRuns({ olderThanMs: 0, now, includeArchive: true });
      // Oldest first across both, as getAllRuns orders them.
      expect(all.map((r) => [r.runId, r.source])).toEqual([
        ['v1_run_1', 'archive'],
        ['v1_run_3', 'active'],
        ['fresh', 'active'],
      ]);
      // closeStaleRuns changes only the active database.
      const closed = await manager.closeStaleRuns({ olderThanMs: 0, now });
      expect(closed.map((r) => r.runId).sort()).toEqual(['fresh', 'v1_run_3']);
      const seen: [string, string | undefined, string | null][] = [];
      for await (const run of manager.iterateRuns({ includeArchive: true }, { pageSize: 2 }))
        seen.push([run.runId, run.source, run.templateId]);
      expect(seen).toEqual([
        ['v1_run_3', 'active', 'active_copy'],
        ['fresh', 'active', 't'],
        ['v1_run_0', 'archive', 'tpl_0'],
        ['v1_run_1', 'archive', 'tpl_1'],
        ['v1_run_2', 'archive', 'tpl_0'],
        ['v1_run_4', 'archive', 'tpl_0'],
      ]);
      // The filter applies to both; the active copy hides the archived one even when only that matches.
      const completed: string[] = [];
      for await (const run of manager.iterateRuns({ status: 'completed', includeArchive: true }))
        completed.push(run.runId);
      expect(completed).toEqual(['v1_run_0', 'v1_run_2', 'v1_run_4']);
      await manager.close();
    },
  'iterateRuns with includeArchive reads the archive page by page, with one IN query per page':
    async ({ options }) => {
      const { adapter, manager } = await archived(options);
      await manager.saveMetadata({ runId: 'v1_run_3', templateId: 'active_copy' });
      await manager.close();
      const counting = countingAdapter(adapter);
      const reader = await MetadataManager.open({ adapter: counting, readOnly: true });
      counting.reset();
      const seen: string[] = [];
      for await (const run of reader.iterateRuns({ includeArchive: true }, { pageSize: 2 }))
        seen.push(`${run.source}:${run.runId}`);
      expect(seen).toEqual([
        'active:v1_run_3',
        'archive:v1_run_0',
        'archive:v1_run_1',
        'archive:v1_run_2',
        'archive:v1_run_4',
      ]);
      // Five archived runs in pages of two: three page reads, three dedupe queries of at most two ids.
      const dedupe = counting.statements.filter((sql) => /"run_id" IN \(/.test(sql));
      expect(dedupe).toHaveLength(3);
      for (const sql of dedupe) expect((sql.match(/\?/g) ?? []).length).toBeLessThanOrEqual(2);
      for (const sql of counting.statements.filter((sql) => /FROM "runs"/.test(sql)))
        expect(sql).toMatch(/LIMIT \?|IN \(/);
      await reader.close();
    },
  'carryOverArchive copies the archive into v2: dry run first, runs already active skipped, archive unchanged, second call carries nothing':
    async ({ options }) => {
      const { adapter, manager, original } = await archived(options);
      await manager.saveMetadata({ runId: 'v1_run_0', templateId: 'active_copy' });
      const v2 = await manager.startRun({
        runId: 'v2_new',
        templateId: 't',
        causalMode: 'forward',
      });
      // Takes resolution ids 1 and 2; archived id 2 (of v1_run_1) is carried: new ids.
      await manager.recordResolutions(v2.runId, [
        { entityId: 'ceo', resolution: 'SCENE', timepointId: 'tp' },
        { entityId: 'cfo', resolution: 'DIALOG', timepointId: 'tp' },
      ]);
      await manager.close();
      const activeBefore = exactBytes(adapter) ? await adapter.readBytes(DB) : null;

      const expected = {
        runsCarried: 4,
        runsSkipped: 1,
        archiveRuns: 5,
        rowsCarried: { runs: 4, mechanism_usage: 4, resolution_assignments: 4, validations: 0 },
        childIds: {
          mechanism_usage: 'kept',
          resolution_assignments: 'renumbered',
          validations: 'kept',
        },
        archivePath: adapter.describe(ARCHIVE),
      };
      const dry = await MetadataManager.carryOverArchive({ adapter, dryRun: true });
      expect(dry).toMatchObject({ ...expected, dryRun: true, integrity: null });
      if (activeBefore) expect(await adapter.readBytes(DB)).toEqual(activeBefore);
      expect(await count(adapter, DB, 'SELECT count(*) AS n FROM runs')).toBe(2);

      // Pages of two rows: every read of rows is bounded (a page, or a page of ids).
      const counting = countingAdapter(adapter);
      const result = await MetadataManager.carryOverArchive({
        adapter: counting,
        backfill: true,
        pageSize: 2,
      });
      expect(result).toMatchObject({ ...expected, dryRun: false, integrity: 'ok' });
      const reads = counting.statements.filter((sql) =>
        /^SELECT .*"run_id".* FROM "(runs|mechanism_usage|resolution_assignments|validations)"/s.test(
          sql,
        ),
      );
      expect(reads.length).toBeGreaterThan(0);
      for (const sql of reads) expect(sql).toMatch(/LIMIT \?|IN \(/);
      if (exactBytes(adapter)) expect(await adapter.readBytes(ARCHIVE)).toEqual(original);

      const reader = await MetadataManager.open({ adapter, readOnly: true });
      expect((await reader.getRun('v1_run_0')).templateId).toBe('active_copy');
      expect(await reader.getResolutions('v1_run_0')).toEqual([]);
      expect(await reader.getRun('v1_run_3')).toMatchObject({
        schemaVersion: '1.0',
        goal: 'goal 3',
        tokensUsed: 3000,
        actualTokensUsed: 3000,
        fidelityDistribution: { dialog: 1 },
        tokenBudgetCompliance: null,
      });
      expect((await reader.getRun('v1_run_1')).status).toBe('running');
      const [mechanism] = await reader.getMechanisms('v1_run_2');
      const [archivedMechanism] = await raw(
        adapter,
        ARCHIVE,
        "SELECT id FROM mechanism_usage WHERE run_id = 'v1_run_2'",
      );
      expect(mechanism?.id).toBe(Number(archivedMechanism?.id));
      expect((await reader.getResolutions('v2_new')).map((r) => r.entityId)).toEqual([
        'ceo',
        'cfo',
      ]);
      await reader.close();
      expect(
        await count(
          adapter,
          DB,
          "SELECT count(*) AS n FROM runmeta_migrations WHERE kind = 'carry-over-archive'",
        ),
      ).toBe(1);

      // New child rows still get fresh ids after the carried ones.
      const writer = await MetadataManager.open({ adapter });
      await writer.recordMechanism('v1_run_1', { mechanism: 'M1', functionName: 'after' });
      expect((await writer.getMechanisms('v1_run_1')).map((m) => m.functionName)).toEqual([
        'seed',
        'after',
      ]);
      await writer.close();

      const again = await MetadataManager.carryOverArchive({ adapter });
      expect(again).toMatchObject({ runsCarried: 0, runsSkipped: 5, integrity: null });
      expect(await count(adapter, DB, 'SELECT count(*) AS n FROM runs')).toBe(6);
    },
  'rollback after carryOverArchive counts only what the backup alone holds, though carried ids were renumbered':
    async ({ options }) => {
      const { adapter, manager } = await archived(options);
      const v2 = await manager.startRun({
        runId: 'v2_new',
        templateId: 't',
        causalMode: 'forward',
      });
      await manager.recordResolution(v2.runId, {
        entityId: 'ceo',
        resolution: 'SCENE',
        timepointId: 'tp',
      });
      await manager.close();
      const carried = await MetadataManager.carryOverArchive({ adapter });
      expect(carried.childIds.resolution_assignments).toBe('renumbered');
      const result = await MetadataManager.rollback({ adapter, confirm: true });
      expect(result.changes).toMatchObject({
        newRuns: 1,
        changedRuns: 0,
        runsWithV2Fields: 0,
        childRowsAdded: { mechanism_usage: 0, resolution_assignments: 0, validations: 0 },
        columnsAdded: [],
      });
      expect(result.warning).toContain(': 1 run started since the migration');
      expect(result.warning).not.toContain('child row');
    },
  'carryOverArchive refuses a v1 database unchanged, and carries nothing where there is no archive':
    async ({ options }) => {
      const adapter = await options.createAdapter();
      await seedDocumentedV1(adapter);
      const before = await adapter.readBytes(DB);
      await expect(MetadataManager.carryOverArchive({ adapter })).rejects.toBeInstanceOf(
        NeedsMigrationError,
      );
      expect(await adapter.readBytes(DB)).toEqual(before);
      const fresh = await options.createAdapter();
      await (await MetadataManager.open({ adapter: fresh })).close();
      expect(await MetadataManager.carryOverArchive({ adapter: fresh })).toMatchObject({
        archivePath: null,
        runsCarried: 0,
      });
    },
});
