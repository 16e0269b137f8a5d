/**
 * Migration of a documented v1 database: both strategies, the archive kept and
 * readable, options validated and dry runs planned before anything is touched,
 * and interrupted migrations finished or discarded on the next open.
 */
import { expect } from 'vitest';
import { insertSql, schemaDdl } from '../../columns/sql.js';
import { NeedsMigrationError, RunNotFoundError, ValidationError } from '../../errors.js';
import { type ManagerOptions, MetadataManager } from '../../manager/metadata-manager.js';
import { asideNameFor } from '../../migrate/working-names.js';
import { group } from './context.js';
import { DB, dialectOf, rawExec, sameBytes, seedDocumentedV1 } from './sql-helpers.js';

export const migration = group(
  'a documented v1 database migrates with either strategy, losing nothing',
  {
    'migrates a documented v1 database (archive): old runs stay readable in the archive': async ({
      open,
      options,
    }) => {
      const adapter = await options.createAdapter();
      await seedDocumentedV1(adapter);
      const before = await adapter.readBytes(DB);
      const manager = await open(adapter);
      expect(manager.migration).toMatchObject({
        action: 'migrate',
        strategy: 'archive',
        archivedRuns: 5,
        integrity: 'ok',
      });
      expect(await manager.getAllRuns()).toEqual([]);
      expect(await adapter.readBytes('runs_v1_archive.db')).toEqual(before);
      const all = await manager.getAllRuns({ includeArchive: true });
      expect(all.map((r) => [r.runId, r.source, r.schemaVersion])).toEqual(
        Array.from({ length: 5 }, (_, i) => [`v1_run_${i}`, 'archive', '1.0']),
      );
      expect(all[0]?.goal).toBe('goal 0');
      const fromArchive = await manager.getRun('v1_run_2', { includeArchive: true });
      expect(fromArchive.source).toBe('archive');
      expect(
        (await manager.getSnapshot('v1_run_2', { includeArchive: true })).mechanismsUsed,
      ).toEqual(['M3']);
      await manager.close();
    },
    'says when a run asked for without includeArchive is in the archive': async ({
      open,
      options,
    }) => {
      const adapter = await options.createAdapter();
      await seedDocumentedV1(adapter);
      const manager = await open(adapter);
      const archive = adapter.describe('runs_v1_archive.db');
      const reads: [string, () => Promise<unknown>][] = [
        ['getRun', () => manager.getRun('v1_run_2')],
        ['getSnapshot', () => manager.getSnapshot('v1_run_2')],
        ['getMechanisms', () => manager.getMechanisms('v1_run_2')],
        ['getResolutions', () => manager.getResolutions('v1_run_2')],
        ['getValidations', () => manager.getValidations('v1_run_2')],
      ];
      for (const [name, read] of reads) {
        const error = await read().then(
          () => null,
          (e: unknown) => e,
        );
        expect(error, name).toBeInstanceOf(RunNotFoundError);
        const { message, cliHint, archive: where } = error as RunNotFoundError;
        expect(where, name).toBe(archive);
        expect(message, name).toContain(`in the archive ${archive}`);
        expect(message, name).toContain('includeArchive: true');
        expect(message, name).not.toContain('getAllRuns()');
        expect(cliHint, name).toContain('--include-archive');
      }
      // A write is refused the same way: archived runs are kept as they were.
      const write = await manager
        .recordBatch('v1_run_2', { mechanisms: [{ mechanism: 'M1', functionName: 'f' }] })
        .catch((e: unknown) => e);
      expect(write).toBeInstanceOf(RunNotFoundError);
      expect((write as RunNotFoundError).message).toContain(`in its v1 archive ${archive}`);
      expect((write as RunNotFoundError).message).toMatch(/read-only/);
      expect((write as RunNotFoundError).cliHint).toContain('runmeta migrate --carry-over-archive');
      // Nothing about the archive for a run that is nowhere, and the same reads
      // with includeArchive still work.
      const nowhere = await manager.getRun('no_such_run').catch((e: unknown) => e);
      expect((nowhere as RunNotFoundError).archive).toBeNull();
      expect(await manager.getMechanisms('no_such_run')).toEqual([]);
      expect(
        (await manager.getMechanisms('v1_run_2', { includeArchive: true })).map((m) => m.mechanism),
      ).toEqual(['M3']);
      await manager.close();
    },
    'migrates a documented v1 database (carry-over with backfill)': async ({ open, options }) => {
      const adapter = await options.createAdapter();
      await seedDocumentedV1(adapter);
      const manager = await open(adapter, {
        migration: { strategy: 'carry-over', backfill: true },
      });
      expect(manager.migration).toMatchObject({
        strategy: 'carry-over',
        runsCarried: 5,
        rowsCarried: { runs: 5, mechanism_usage: 5, resolution_assignments: 5, validations: 0 },
      });
      const runs = await manager.getAllRuns();
      expect(runs.map((r) => r.schemaVersion)).toEqual(Array(5).fill('1.0'));
      expect(runs[0]).toMatchObject({
        runId: 'v1_run_0',
        actualTokensUsed: 0,
        fidelityEfficiencyScore: null,
        fidelityDistribution: { dialog: 1 },
      });
      expect(runs[2]?.fidelityEfficiencyScore).toBeCloseTo(5 / 2000, 12);
      expect(runs[2]?.tokenBudgetCompliance).toBeNull();
      expect(await manager.getAllRuns({ includeArchive: true })).toHaveLength(5);
      await manager.close();
    },
    'with autoMigrate: false throws NeedsMigrationError and leaves the bytes identical': async ({
      open,
      options,
    }) => {
      const adapter = await options.createAdapter();
      await seedDocumentedV1(adapter);
      const before = await adapter.readBytes(DB);
      await expect(open(adapter, { autoMigrate: false })).rejects.toBeInstanceOf(
        NeedsMigrationError,
      );
      expect(sameBytes(await adapter.readBytes(DB), before)).toBe(true);
      expect(await adapter.list()).toEqual([DB]);
    },
    'validates every open, plan and rollback option before touching anything': async ({
      open,
      options,
    }) => {
      const adapter = await options.createAdapter();
      await seedDocumentedV1(adapter);
      const before = await adapter.readBytes(DB);
      const cases: [Record<string, unknown>, string, string][] = [
        [
          { migration: { strategy: 'bogus' } },
          'migration.strategy',
          'archive or carry-over (got "bogus")',
        ],
        [{ migration: { stratgy: 'carry-over' } }, 'migration.stratgy', 'did you mean strategy?'],
        [{ migration: { backfill: true } }, 'migration.backfill', "strategy: 'carry-over'"],
        [
          { migration: { strategy: 'archive', backfill: 'yes' } },
          'migration.backfill',
          '(got "yes")',
        ],
        [{ migration: 'carry-over' }, 'migration', '(got "carry-over")'],
        [{ readonly: true }, 'readonly', 'did you mean readOnly?'],
        [{ autoMigrate: 'no' }, 'autoMigrate', '(got "no")'],
        [{ readOnly: 1 }, 'readOnly', '(got 1)'],
        [{ lockTimeoutMs: -1 }, 'lockTimeoutMs', '(got -1)'],
        [{ lockTimeoutMs: Number.NaN }, 'lockTimeoutMs', '(got NaN)'],
        [{ lockTimeoutMs: 2 ** 40 }, 'lockTimeoutMs', 'at most'],
        [{ database: '' }, 'database', 'must not be empty'],
        [{ onMigrationProgress: 'log' }, 'onMigrationProgress', 'must be a function'],
        [{ adapter: {} }, 'adapter', 'storage adapter'],
      ];
      for (const [extra, field, text] of cases) {
        const opened = await open(adapter, extra as Partial<ManagerOptions>).catch(
          (e: unknown) => e,
        );
        expect(opened, JSON.stringify(extra)).toBeInstanceOf(ValidationError);
        expect(opened).toMatchObject({ field, message: expect.stringContaining(text) });
        // plan() takes the same options but readOnly and autoMigrate (unknown keys there).
        const planned = await MetadataManager.plan({
          adapter,
          ...extra,
        } as ManagerOptions).catch((e: unknown) => e);
        expect(planned, JSON.stringify(extra)).toBeInstanceOf(ValidationError);
        expect(planned).toMatchObject({ field });
      }
      const refusedRollbacks: [Record<string, unknown>, string][] = [
        [{ confirm: 'yes' }, 'confirm'],
        [{ confirm: true, lockTimoutMs: 5 }, 'lockTimoutMs'],
        [{ confirm: true, database: 7 }, 'database'],
      ];
      for (const [extra, field] of refusedRollbacks) {
        await expect(
          MetadataManager.rollback({ adapter, ...extra } as never),
        ).rejects.toMatchObject({
          code: 'RUNMETA_VALIDATION',
          field,
        });
      }
      expect(sameBytes(await adapter.readBytes(DB), before)).toBe(true);
      expect(await adapter.list()).toEqual([DB]);
    },
    'plans without touching anything (dry run)': async ({ options }) => {
      const adapter = await options.createAdapter();
      await seedDocumentedV1(adapter);
      const before = await adapter.readBytes(DB);
      const plan = await MetadataManager.plan({ adapter, migration: { strategy: 'carry-over' } });
      expect(plan.action).toBe('migrate');
      expect(plan.steps.map((s) => s.kind)).toContain('carry-over');
      expect(sameBytes(await adapter.readBytes(DB), before)).toBe(true);
      expect(await adapter.list()).toEqual([DB]);
    },
    'never overwrites an existing archive: it picks a new name': async ({ open, options }) => {
      const adapter = await options.createAdapter();
      await seedDocumentedV1(adapter, 'runs_v1_archive.db', 2);
      const existing = await adapter.readBytes('runs_v1_archive.db');
      await seedDocumentedV1(adapter, DB, 3);
      const manager = await open(adapter);
      expect(manager.migration?.archivePath).toBe(adapter.describe('runs_v1_archive_2.db'));
      expect(sameBytes(await adapter.readBytes('runs_v1_archive.db'), existing)).toBe(true);
      expect(await manager.getAllRuns({ includeArchive: true })).toHaveLength(3);
      await manager.close();
    },
    'finishes a migration interrupted between its two renames': async ({ open, options }) => {
      const adapter = await options.createAdapter();
      await seedDocumentedV1(adapter);
      const manager = await open(adapter, { migration: { strategy: 'carry-over' } });
      await manager.close();
      await adapter.move(DB, asideNameFor(DB)); // as if killed after archiving, before installing
      const recovered = await open(adapter);
      expect(recovered.migration).toBeNull();
      expect(await recovered.getAllRuns()).toHaveLength(5);
      expect(await adapter.exists(asideNameFor(DB))).toBe(false);
      await recovered.close();
    },
    'discards an incomplete aside left by a killed build, leaving the v1 file untouched': async ({
      open,
      options,
    }) => {
      const adapter = await options.createAdapter();
      await seedDocumentedV1(adapter);
      await rawExec(
        adapter,
        asideNameFor(DB),
        schemaDdl('v2', dialectOf(adapter)).map((sql) => [sql]),
      );
      const before = await adapter.readBytes(DB);
      const manager = await open(adapter, { autoMigrate: false }).catch((e: unknown) => e);
      expect(manager).toBeInstanceOf(NeedsMigrationError);
      expect(await adapter.exists(asideNameFor(DB))).toBe(false);
      expect(sameBytes(await adapter.readBytes(DB), before)).toBe(true);
    },
    'carries over orphan child rows instead of failing': async ({ open, options }) => {
      const adapter = await options.createAdapter();
      await seedDocumentedV1(adapter, DB, 2);
      await rawExec(
        adapter,
        DB,
        [
          [
            insertSql('mechanism_usage', ['run_id', 'mechanism', 'function_name', 'timestamp']),
            ['ghost_run', 'M1', 'f', '2024-01-01T00:00:00'],
          ],
        ],
        { legacy: true },
      );
      const manager = await open(adapter, { migration: { strategy: 'carry-over' } });
      expect(manager.migration?.rowsCarried.mechanism_usage).toBe(3);
      const orphans = await manager.query(
        "SELECT count(*) AS n FROM mechanism_usage WHERE run_id = 'ghost_run'",
      );
      expect(orphans[0]?.n).toBe(1);
      await manager.close();
    },
  },
);
