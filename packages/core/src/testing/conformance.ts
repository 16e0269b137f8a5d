/**
 * The adapter conformance suite: the one contract every storage adapter runs
 * against itself. An adapter's test file is a few lines:
 *
 * ```ts
 * describeAdapterConformance({
 *   name: 'node-sqlite (memory)',
 *   createAdapter: () => createNodeSqliteAdapter({ memory: true }),
 *   fixtures: loadFixtures(),
 * });
 * ```
 *
 * It covers the full run lifecycle, the read/write rules of SPEC §2–§5, migration
 * of every fixture shape with both strategies, and the error cases.
 */
import { describe, expect, it } from 'vitest';
import { CHILD_TABLES, canonicalColumns, TABLES } from '../columns/registry.js';
import { fieldIndex } from '../columns/rows.js';
import { insertSql, schemaDdl } from '../columns/sql.js';
import {
  ClosedError,
  NeedsMigrationError,
  NewerSchemaError,
  NotADatabaseError,
  ReadOnlyError,
  RunFinishedError,
  RunNotFoundError,
  ValidationError,
} from '../errors.js';
import { type ManagerOptions, MetadataManager } from '../manager/metadata-manager.js';
import { observeSchema } from '../migrate/observe.js';
import type { MigrationStrategy } from '../migrate/plan.js';
import { asideNameFor, restoringNameFor } from '../migrate/working-names.js';
import { strategyWithDefaults } from '../schema/strategy.js';
import { formatSnapshotForLlm } from '../snapshot/snapshot.js';
import type { SqlValue, StorageAdapter } from '../storage/adapter.js';
import { openDatabase } from '../storage/open-database.js';
import { describeAnswerConformance } from './answers-conformance.js';
import { describeArchiveConformance } from './archive-conformance.js';
import { countingAdapter } from './counting-adapter.js';
import {
  DB,
  dialectOf,
  exactBytes,
  raw,
  rawExec,
  sameBytes,
  seedDocumentedV1,
} from './sql-helpers.js';

/** What an adapter's test file provides. */
export interface ConformanceOptions {
  /** Name shown in the test report. */
  name: string;
  /** A new adapter over a new, empty container, for each test. */
  createAdapter: () => StorageAdapter | Promise<StorageAdapter>;
  /** The real legacy databases (`shared/fixtures/legacy-dbs`), by file name. */
  fixtures: Record<string, Uint8Array>;
}

/** Register the conformance suite for one adapter. */
export function describeAdapterConformance(options: ConformanceOptions): void {
  const open = async (adapter: StorageAdapter, extra: Partial<ManagerOptions> = {}) =>
    MetadataManager.open({ adapter, ...extra });
  const fresh = async (extra: Partial<ManagerOptions> = {}) => {
    const adapter = await options.createAdapter();
    return { adapter, manager: await open(adapter, extra) };
  };
  const fixtureNames = Object.keys(options.fixtures).sort();
  const observe = async (adapter: StorageAdapter, name = DB) => {
    const db = await openDatabase(adapter, name, { readOnly: true });
    try {
      return await observeSchema(db);
    } finally {
      await db.close();
    }
  };

  describe(`adapter conformance: ${options.name}`, () => {
    describeAnswerConformance(options.createAdapter);

    it('is given the real legacy fixtures', () => {
      expect(fixtureNames.length).toBeGreaterThanOrEqual(3);
    });

    describe('fresh database', () => {
      it('creates a v2 schema with exactly the 27 documented runs columns, child tables, indexes and history', async () => {
        const { adapter, manager } = await fresh();
        const history = await manager.query('SELECT kind, to_version FROM runmeta_migrations');
        expect(history).toEqual([{ kind: 'create', to_version: '2.0' }]);
        expect(manager.migration?.action).toBe('create');
        // Observed on a connection of its own (an in-memory database has one: close first).
        await manager.close();
        const schema = await observe(adapter);
        const columns = schema.tables.runs ?? [];
        expect(columns.map((c) => c.name)).toEqual(
          canonicalColumns(TABLES.runs).map((c) => c.name),
        );
        expect(columns).toHaveLength(27);
        const tables = Object.keys(schema.tables);
        expect(tables).toEqual(
          expect.arrayContaining([
            'runs',
            'mechanism_usage',
            'resolution_assignments',
            'validations',
            'runmeta_migrations',
          ]),
        );
        const indexes = schema.indexes;
        for (const name of [
          'idx_runs_template_id',
          'idx_runs_status',
          'idx_runs_created_at',
          'idx_runs_token_budget_compliance',
          'idx_mechanism_usage_run_id',
          'idx_resolution_assignments_run_id',
          'idx_validations_run_id',
        ]) {
          expect(indexes).toContain(name);
        }
      });

      it('reopens without migrating again and keeps the data', async () => {
        const { adapter, manager } = await fresh();
        await manager.startRun({ runId: 'keep', templateId: 't', causalMode: 'forward' });
        await manager.close();
        const again = await open(adapter);
        expect(again.migration).toBeNull();
        expect((await again.getRun('keep')).templateId).toBe('t');
        await again.close();
      });
    });

    describe('run lifecycle', () => {
      it('starts, records, completes and reads back a run with computed v2 metrics', async () => {
        const { manager } = await fresh();
        const started = await manager.startRun({
          templateId: 'board_meeting',
          causalMode: 'DIRECTORIAL',
          tokenBudget: 1000,
          goal: 'decide',
        });
        expect(started.status).toBe('running');
        expect(started.causalMode).toBe('directorial');
        expect(started.schemaVersion).toBe('2.0');
        expect(started.runId).toMatch(/^run_\d{8}_\d{6}_[0-9a-f]{8}$/);
        expect(started.fidelityStrategy?.tokenBudget).toBe(1000);
        const id = started.runId!;
        await manager.recordMechanism(id, {
          mechanism: 'M17',
          functionName: 'orchestrate',
          context: { step: 1 },
        });
        await manager.recordMechanisms(id, [
          { mechanism: 'M2', functionName: 'a' },
          { mechanism: 'm10', functionName: 'b' },
          { mechanism: 'M2', functionName: 'c' },
        ]);
        await manager.recordResolutions(id, [
          {
            entityId: 'ceo',
            resolution: 'SCENE',
            timepointId: 'tp1',
            timestamp: '2025-01-01T00:00:00',
          },
          {
            entityId: 'ceo',
            resolution: 'DIALOG',
            timepointId: 'tp2',
            timestamp: '2025-01-01T00:05:00',
          },
          {
            entityId: 'cfo',
            resolution: 'dialog',
            timepointId: 'tp1',
            timestamp: '2025-01-01T00:01:00',
          },
          {
            entityId: 'room',
            resolution: 'TENSOR_ONLY',
            timepointId: 'tp1',
            timestamp: '2025-01-01T00:01:00',
          },
        ]);
        await manager.recordValidation(id, {
          validatorName: 'timeline',
          passed: false,
          message: 'gap',
          violations: ['tp2 before tp1'],
        });
        await manager.recordValidation(id, { validatorName: 'energy', passed: true });
        const done = await manager.completeRun(id, {
          entitiesCreated: 3,
          timepointsCreated: 2,
          trainingExamples: 4,
          costUsd: 0.05,
          llmCalls: 9,
          tokensUsed: 873,
        });
        expect(done.status).toBe('completed');
        const twice = { entitiesCreated: 1, timepointsCreated: 1, costUsd: 0, tokensUsed: 1 };
        await expect(manager.completeRun(id, twice)).rejects.toMatchObject({
          code: 'RUNMETA_RUN_FINISHED',
          runId: id,
          status: 'completed',
        });
        expect(done.fidelityDistribution).toEqual({ dialog: 2, tensor_only: 1 });
        expect(done.tokenBudgetCompliance).toBeCloseTo(0.873, 10);
        expect(done.fidelityEfficiencyScore).toBeCloseTo(5 / 873, 12);
        expect(done.actualTokensUsed).toBe(873);
        expect(done.fidelityStrategy?.actualTokensUsed).toBe(873);
        expect(done.fidelityStrategy?.budgetComplianceRatio).toBeCloseTo(0.873, 10);
        const mechanisms = await manager.getMechanisms(id);
        expect(mechanisms.map((m) => m.mechanism)).toEqual(['M17', 'M2', 'M10', 'M2']);
        expect(mechanisms[0]?.context).toEqual({ step: 1 });
        expect((await manager.getResolutions(id)).map((r) => r.resolution)).toEqual([
          'scene',
          'dialog',
          'dialog',
          'tensor_only',
        ]);
        const validations = await manager.getValidations(id);
        expect(validations.map((v) => [v.validatorName, v.passed, v.violations])).toEqual([
          ['timeline', false, ['tp2 before tp1']],
          ['energy', true, []],
        ]);
        const snapshot = await manager.getSnapshot(id);
        expect(snapshot.mechanismsUsed).toEqual(['M2', 'M10', 'M17']);
        const text = formatSnapshotForLlm(snapshot);
        expect(text).toContain(
          'Fidelity Distribution (M1):\n  DIALOG: 2 entities\n  TENSOR_ONLY: 1 entities\n\nToken Budget Compliance: ✓ 87.3%\nFidelity Efficiency: 0.005727 quality/token',
        );
        await manager.close();
      });

      it('lets explicit metric values win, marks failures, and handles no budget and zero tokens', async () => {
        const { manager } = await fresh();
        const a = await manager.startRun({
          templateId: 't',
          causalMode: 'forward',
          tokenBudget: 100,
        });
        await manager.recordResolution(a.runId!, {
          entityId: 'x',
          resolution: 'graph',
          timepointId: 'tp',
        });
        const explicit = await manager.completeRun(a.runId!, {
          entitiesCreated: 1,
          timepointsCreated: 1,
          costUsd: 0,
          tokensUsed: 200,
          tokenBudgetCompliance: 0.5,
          fidelityDistribution: { SCENE: 4 },
          fidelityEfficiencyScore: 0.25,
        });
        expect(explicit.tokenBudgetCompliance).toBe(0.5);
        expect(explicit.fidelityDistribution).toEqual({ scene: 4 });
        expect(explicit.fidelityEfficiencyScore).toBe(0.25);
        const b = await manager.startRun({ templateId: 't', causalMode: 'forward' });
        const failed = await manager.completeRun(b.runId!, {
          entitiesCreated: 0,
          timepointsCreated: 0,
          costUsd: 0,
          tokensUsed: 0,
          errorMessage: 'LLM quota exceeded',
        });
        expect(failed.status).toBe('failed');
        expect(failed.errorMessage).toBe('LLM quota exceeded');
        expect(failed.tokenBudgetCompliance).toBeNull();
        expect(failed.fidelityEfficiencyScore).toBeNull();
        expect(failed.fidelityDistribution).toBeNull();
        const c = await manager.startRun({ templateId: 't', causalMode: 'forward' });
        const over = await manager.completeRun(c.runId!, {
          entitiesCreated: 1,
          timepointsCreated: 1,
          costUsd: 1,
          tokensUsed: 2656,
          tokenBudget: 100,
        });
        expect(over.tokenBudgetCompliance).toBeCloseTo(26.56, 10);
        expect(formatSnapshotForLlm(await manager.getSnapshot(c.runId!))).toContain(
          'Token Budget Compliance: ⚠ 2656.0%',
        );
        await manager.close();
      });

      it('stores only the strategy fields the caller gave, and completion adds the actuals', async () => {
        const { adapter, manager } = await fresh();
        await manager.startRun({
          runId: 'budget',
          templateId: 't',
          causalMode: 'forward',
          tokenBudget: 100,
        });
        await manager.startRun({
          runId: 'partial',
          templateId: 't',
          causalMode: 'PORTAL',
          fidelityStrategy: { planningMode: 'HYBRID', fidelitySchedule: ['SCENE', 'dialog'] },
        });
        await manager.startRun({
          runId: 'moded',
          templateId: 't',
          causalMode: 'portal',
          fidelityStrategy: { mode: 'portal', adaptiveThreshold: 0.7 },
          tokenBudget: 5000,
        });
        await manager.startRun({ runId: 'none', templateId: 't', causalMode: 'forward' });
        await manager.completeRun('budget', {
          entitiesCreated: 1,
          timepointsCreated: 1,
          costUsd: 0.5,
          tokensUsed: 80,
        });
        await manager.close();
        const stored = Object.fromEntries(
          (await raw(adapter, DB, 'SELECT run_id, fidelity_strategy_json AS s FROM runs')).map(
            (row) => [row.run_id, row.s === null ? null : JSON.parse(String(row.s))],
          ),
        );
        expect(stored).toEqual({
          budget: {
            token_budget: 100,
            actual_tokens_used: 80,
            actual_cost_usd: 0.5,
            budget_compliance_ratio: 0.8,
          },
          partial: { planning_mode: 'hybrid', fidelity_schedule: ['scene', 'dialog'] },
          moded: { mode: 'portal', token_budget: 5000, adaptive_threshold: 0.7 },
          none: null,
        });
        // Defaults belong to reading, and say which fields they filled.
        const reader = await open(adapter, { readOnly: true });
        const partial = await reader.getRun('partial');
        expect(partial.fidelityStrategy).toEqual({
          planningMode: 'hybrid',
          fidelitySchedule: ['scene', 'dialog'],
        });
        const filled = strategyWithDefaults(partial);
        expect(filled.strategy).toMatchObject({
          mode: 'portal',
          planningMode: 'hybrid',
          fidelitySchedule: ['scene', 'dialog'],
          adaptiveThreshold: 0.7,
          minResolution: 'tensor_only',
          maxResolution: 'trained',
        });
        expect(filled.defaulted).toContain('mode');
        expect(filled.defaulted).toContain('minResolution');
        expect(filled.defaulted).not.toContain('planningMode');
        expect(filled.defaulted).not.toContain('fidelitySchedule');
        await reader.close();
      });

      it('serialises concurrent calls on one manager', async () => {
        const { manager } = await fresh();
        const runs = await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            manager.startRun({ runId: `p${i}`, templateId: 't', causalMode: 'cyclical' }),
          ),
        );
        await Promise.all(
          runs.map((run) =>
            manager.recordMechanism(run.runId!, { mechanism: 'M1', functionName: 'f' }),
          ),
        );
        expect(await manager.getAllRuns()).toHaveLength(40);
        const [count] = await manager.query('SELECT count(*) AS n FROM mechanism_usage');
        expect(count?.n).toBe(40);
        await manager.close();
      });

      it('stores summaries, adding the deployed summary columns on first use', async () => {
        const { manager } = await fresh();
        await manager.startRun({ runId: 's', templateId: 't', causalMode: 'forward' });
        const run = await manager.updateSummary('s', 'It went well.');
        expect(run.summary).toBe('It went well.');
        expect(run.summaryGeneratedAt).toMatch(/^\d{4}-/);
        const history = await manager.query(
          "SELECT details FROM runmeta_migrations WHERE kind = 'add-columns'",
        );
        expect(history.flatMap((h) => JSON.parse(String(h.details)).addedColumns)).toEqual([
          'runs.summary',
          'runs.summary_generated_at',
        ]);
        await expect(manager.updateSummary('nope', 'x')).rejects.toBeInstanceOf(RunNotFoundError);
        await manager.close();
      });

      it('upserts whole runs with saveMetadata and round-trips a read run', async () => {
        const { manager } = await fresh();
        const saved = await manager.saveMetadata({
          runId: 'm1',
          templateId: 't',
          causalMode: 'PEARL',
          status: 'completed',
          costUsd: 1.5,
          createdAt: '2025-01-01T00:00:00',
          fidelityDistribution: { DIALOG: 2 },
        });
        expect(saved.causalMode).toBe('pearl');
        expect(saved.fidelityDistribution).toEqual({ dialog: 2 });
        const again = await manager.saveMetadata({ ...saved, costUsd: 2 });
        expect(again).toEqual({ ...saved, costUsd: 2 });
        await expect(
          manager.saveMetadata({ runId: 'm2', extra: { nonexistent_column: 1 } }),
        ).rejects.toMatchObject({ field: 'extra.nonexistent_column' });
        await manager.close();
      });
    });

    describe('writes are strict', () => {
      it.each([
        ['causalMode', { templateId: 't', causalMode: 'sideways' }],
        ['templateId', { templateId: '', causalMode: 'forward' }],
        ['tokenBudget', { templateId: 't', causalMode: 'forward', tokenBudget: Number.NaN }],
        ['tokenBudget', { templateId: 't', causalMode: 'forward', tokenBudget: -1 }],
        [
          'fidelityStrategy.fidelitySchedule[1]',
          {
            templateId: 't',
            causalMode: 'forward',
            fidelityStrategy: { fidelitySchedule: ['scene', 'ultra'] },
          },
        ],
      ])('startRun rejects a bad %s', async (field, input) => {
        const { manager } = await fresh();
        const error = await manager.startRun(input as never).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).field).toBe(field);
        expect((error as Error).message).toMatch(/^\[runmeta\] Invalid /);
        expect(await manager.getAllRuns()).toEqual([]);
        await manager.close();
      });

      it.each([
        ['costUsd', { costUsd: Number.POSITIVE_INFINITY }],
        ['entitiesCreated', { entitiesCreated: -3 }],
        ['tokensUsed', { tokensUsed: 1.5 }],
        ['tokensUsed', { tokensUsed: Number.NaN }],
      ])('completeRun rejects a bad %s and changes nothing', async (field, patch) => {
        const { manager } = await fresh();
        await manager.startRun({ runId: 'r', templateId: 't', causalMode: 'forward' });
        const input = {
          entitiesCreated: 1,
          timepointsCreated: 1,
          costUsd: 0,
          tokensUsed: 10,
          ...patch,
        };
        await expect(manager.completeRun('r', input)).rejects.toMatchObject({
          code: 'RUNMETA_VALIDATION',
          field,
        });
        expect((await manager.getRun('r')).status).toBe('running');
        await manager.close();
      });

      it('says which value it received in every validation message', async () => {
        const { manager } = await fresh();
        await manager.startRun({ runId: 'r', templateId: 't', causalMode: 'forward' });
        const finish = { entitiesCreated: 1, timepointsCreated: 1, costUsd: 0, tokensUsed: 1 };
        const cases: [() => Promise<unknown>, string, string][] = [
          [
            () => manager.startRun({ templateId: 5, causalMode: 'forward' } as never),
            'templateId',
            '(got 5)',
          ],
          [
            () => manager.completeRun('r', { ...finish, costUsd: Number.NaN }),
            'costUsd',
            '(got NaN)',
          ],
          [() => manager.completeRun('r', { ...finish, tokensUsed: -3 }), 'tokensUsed', '(got -3)'],
          [
            () =>
              manager.recordResolution('r', {
                entityId: 'e',
                resolution: 'ultra' as never,
                timepointId: 't',
              }),
            'resolutions[0].resolution',
            '(got "ultra")',
          ],
          [
            () =>
              manager.recordMechanism('r', {
                mechanism: 'M1',
                functionName: 'f',
                context: 'x' as never,
              }),
            'mechanisms[0].context',
            '(got "x")',
          ],
        ];
        for (const [attempt, field, got] of cases) {
          const error = await attempt().catch((e: unknown) => e);
          expect(error).toBeInstanceOf(ValidationError);
          expect((error as ValidationError).field).toBe(field);
          expect((error as Error).message).toContain(got);
        }
        expect((await manager.getRun('r')).status).toBe('running');
        await manager.close();
      });

      it('refuses a completion whose computed metrics would not be finite numbers', async () => {
        const { manager } = await fresh();
        await manager.startRun({ runId: 'r', templateId: 't', causalMode: 'forward' });
        const finish = { entitiesCreated: 1, timepointsCreated: 1, costUsd: 0, tokensUsed: 0 };
        await expect(
          manager.completeRun('r', { ...finish, tokenBudget: 1e-300, actualTokensUsed: 1e300 }),
        ).rejects.toMatchObject({ code: 'RUNMETA_VALIDATION', field: 'tokenBudget' });
        await expect(
          manager.completeRun('r', { ...finish, actualTokensUsed: 1e-320 }),
        ).rejects.toMatchObject({ code: 'RUNMETA_VALIDATION', field: 'actualTokens' });
        const [row] = await manager.query(
          "SELECT status, token_budget_compliance AS c, fidelity_efficiency_score AS e FROM runs WHERE run_id = 'r'",
        );
        expect(row).toEqual({ status: 'running', c: null, e: null });
        await manager.close();
      });

      it('records a batch whose items differ in optional fields', async () => {
        const { manager } = await fresh();
        await manager.startRun({ runId: 'r', templateId: 't', causalMode: 'forward' });
        await manager.recordBatch('r', {
          mechanisms: [
            { mechanism: 'M1', functionName: 'a', context: { step: 1 } },
            { mechanism: 'M2', functionName: 'b' },
            { mechanism: 'M3', functionName: 'c', timestamp: '2025-01-01T00:00:00Z' },
          ],
          validations: [
            { validatorName: 'v1', passed: false, message: 'late', violations: ['e1'] },
            { validatorName: 'v2', passed: true },
          ],
        });
        const mechanisms = await manager.getMechanisms('r');
        expect(mechanisms.map((m) => [m.mechanism, m.functionName, m.context])).toEqual([
          ['M1', 'a', { step: 1 }],
          ['M2', 'b', null],
          ['M3', 'c', null],
        ]);
        expect(mechanisms[2]!.timestamp).toBe('2025-01-01T00:00:00Z');
        expect(mechanisms[0]!.timestamp).toBe(mechanisms[1]!.timestamp);
        const validations = await manager.getValidations('r');
        expect(
          validations.map((v) => [v.validatorName, v.passed, v.message, v.violations]),
        ).toEqual([
          ['v1', false, 'late', ['e1']],
          ['v2', true, null, []],
        ]);
        await manager.close();
      });

      it('rejects a whole batch when one item is bad, naming its index', async () => {
        const { manager } = await fresh();
        await manager.startRun({ runId: 'r', templateId: 't', causalMode: 'forward' });
        const error = await manager
          .recordBatch('r', {
            mechanisms: [
              { mechanism: 'M1', functionName: 'ok' },
              { mechanism: 'X9', functionName: 'bad' },
            ],
            resolutions: [{ entityId: 'e', resolution: 'scene', timepointId: 'tp' }],
          })
          .catch((e: unknown) => e);
        expect(error).toMatchObject({
          code: 'RUNMETA_VALIDATION',
          field: 'mechanisms[1].mechanism',
        });
        expect(await manager.getMechanisms('r')).toEqual([]);
        expect(await manager.getResolutions('r')).toEqual([]);
        await manager.close();
      });

      it('refuses children of unknown runs and duplicate run ids', async () => {
        const { manager } = await fresh();
        await expect(
          manager.recordMechanism('ghost', { mechanism: 'M1', functionName: 'f' }),
        ).rejects.toBeInstanceOf(RunNotFoundError);
        await expect(
          manager.completeRun('ghost', {
            entitiesCreated: 0,
            timepointsCreated: 0,
            costUsd: 0,
            tokensUsed: 0,
          }),
        ).rejects.toBeInstanceOf(RunNotFoundError);
        await expect(manager.getRun('ghost')).rejects.toMatchObject({
          code: 'RUNMETA_RUN_NOT_FOUND',
          runId: 'ghost',
        });
        await manager.startRun({ runId: 'dup', templateId: 't', causalMode: 'forward', goal: 'a' });
        const second = manager.startRun({ runId: 'dup', templateId: 'u', causalMode: 'forward' });
        await expect(second).rejects.toBeInstanceOf(ValidationError);
        await expect(second).rejects.toMatchObject({
          field: 'runId',
          message: expect.stringContaining('a run with id "dup" already exists'),
        });
        expect(await manager.getRun('dup')).toMatchObject({ templateId: 't', goal: 'a' });
        await manager.close();
      });

      it('refuses child records and a second completion on a finished run, writing nothing', async () => {
        const { adapter, manager } = await fresh();
        const finish = { entitiesCreated: 1, timepointsCreated: 1, costUsd: 0.1, tokensUsed: 10 };
        for (const runId of ['done', 'failed', 'legacy_null', 'legacy_odd', 'legacy_upper']) {
          await manager.startRun({ runId, templateId: 't', causalMode: 'forward' });
        }
        await manager.recordResolution('done', {
          entityId: 'e',
          resolution: 'scene',
          timepointId: 'tp',
        });
        await manager.completeRun('done', finish);
        await manager.completeRun('failed', { ...finish, errorMessage: 'boom' });
        await manager.close();
        // Legacy rows: a NULL or unknown status is not final; a final status in
        // another case (as read back: `completed`) is.
        await rawExec(adapter, DB, [
          [`UPDATE runs SET status = NULL WHERE run_id = 'legacy_null'`],
          [`UPDATE runs SET status = 'paused' WHERE run_id = 'legacy_odd'`],
          [`UPDATE runs SET status = 'COMPLETED' WHERE run_id = 'legacy_upper'`],
        ]);
        const counts = async () => {
          const [row] = await raw(
            adapter,
            DB,
            'SELECT (SELECT count(*) FROM mechanism_usage) AS m, (SELECT count(*) FROM resolution_assignments) AS r, (SELECT count(*) FROM validations) AS v',
          );
          return { m: Number(row!.m), r: Number(row!.r), v: Number(row!.v) };
        };
        const runsBefore = await raw(
          adapter,
          DB,
          'SELECT run_id, status, updated_at, fidelity_distribution FROM runs ORDER BY run_id',
        );
        const childrenBefore = await counts();
        const reopened = await open(adapter);
        const mechanism = { mechanism: 'M1', functionName: 'f' };
        const resolution = { entityId: 'e2', resolution: 'dialog', timepointId: 'tp' } as const;
        const validation = { validatorName: 'v', passed: true };
        for (const [runId, status] of [
          ['done', 'completed'],
          ['failed', 'failed'],
          ['legacy_upper', 'completed'],
        ] as const) {
          const attempts: (() => Promise<unknown>)[] = [
            () => reopened.recordMechanism(runId, mechanism),
            () => reopened.recordMechanisms(runId, [mechanism]),
            () => reopened.recordResolution(runId, resolution),
            () => reopened.recordResolutions(runId, [resolution]),
            () => reopened.recordValidation(runId, validation),
            () => reopened.recordValidations(runId, [validation]),
            () =>
              reopened.recordBatch(runId, { mechanisms: [mechanism], resolutions: [resolution] }),
            () => reopened.recordBatch(runId, {}),
            () => reopened.completeRun(runId, finish),
          ];
          for (const attempt of attempts) {
            const error = await attempt().then(
              () => null,
              (e: unknown) => e,
            );
            expect(error).toBeInstanceOf(RunFinishedError);
            expect(error).toMatchObject({
              code: 'RUNMETA_RUN_FINISHED',
              exitCode: 2,
              runId,
              status,
            });
            expect((error as Error).message).toContain(`"${runId}"`);
            expect((error as Error).message).toContain(status);
            expect((error as Error).message).toContain('completeRun');
          }
        }
        await reopened.close();
        expect(await counts()).toEqual(childrenBefore);
        expect(
          await raw(
            adapter,
            DB,
            'SELECT run_id, status, updated_at, fidelity_distribution FROM runs ORDER BY run_id',
          ),
        ).toEqual(runsBefore);
        // Not final: a NULL or unknown legacy status still takes records.
        const writer = await open(adapter);
        await writer.recordMechanism('legacy_null', mechanism);
        await writer.recordResolution('legacy_odd', resolution);
        await expect(writer.recordMechanism('ghost', mechanism)).rejects.toBeInstanceOf(
          RunNotFoundError,
        );
        await writer.close();
        expect(await counts()).toEqual({
          m: childrenBefore.m + 1,
          r: childrenBefore.r + 1,
          v: childrenBefore.v,
        });
      });

      it('refuses a duplicate run id even where run_id is not the table key', async () => {
        const { adapter, manager } = await fresh();
        await manager.close();
        // Hand-made tables without keys or foreign keys (CREATE TABLE AS keeps
        // neither): the engine itself would accept a duplicate run id here.
        const unkeyed = ['runs', ...CHILD_TABLES.map((t) => t.name)].flatMap((name): [string][] => [
          [`CREATE TABLE "${name}_copy" AS SELECT * FROM "${name}"`],
          [`DROP TABLE "${name}"`],
          [`ALTER TABLE "${name}_copy" RENAME TO "${name}"`],
        ]);
        await rawExec(adapter, DB, unkeyed, { legacy: true });
        const reopened = await open(adapter);
        await reopened.startRun({ runId: 'dup', templateId: 't', causalMode: 'forward' });
        await expect(
          reopened.startRun({ runId: 'dup', templateId: 'u', causalMode: 'forward' }),
        ).rejects.toMatchObject({ code: 'RUNMETA_VALIDATION', field: 'runId' });
        expect(await reopened.getAllRuns()).toHaveLength(1);
        await reopened.close();
      });
    });

    describe('reads are lenient and lossless', () => {
      it('keeps unknown enum values, bad JSON and unknown columns, flagged', async () => {
        const { adapter, manager } = await fresh();
        await manager.close();
        await rawExec(adapter, DB, [
          ['ALTER TABLE runs ADD COLUMN "mystery col" TEXT'],
          [
            insertSql('runs', [
              'run_id',
              'template_id',
              'causal_mode',
              'status',
              'fidelity_distribution',
              'mystery col',
              'created_at',
            ]),
            ['odd', 't', 'QUANTUM', 'Completed', '{not json', 'kept', '2025-01-01T00:00:00'],
          ],
        ]);
        const again = await open(adapter);
        const run = await again.getRun('odd');
        expect(run.causalMode).toBe('QUANTUM');
        expect(run.status).toBe('completed');
        expect(run.fidelityDistribution).toBeNull();
        expect(run.extra).toEqual({ 'mystery col': 'kept' });
        expect(run.readIssues).toEqual([
          { column: 'causal_mode', kind: 'unknown_enum', raw: 'QUANTUM' },
          { column: 'fidelity_distribution', kind: 'invalid_json', raw: '{not json' },
        ]);
        // A filter over damaged JSON treats it as unknown instead of failing.
        await again.close();
        await rawExec(adapter, DB, [
          [
            insertSql('runs', [
              'run_id',
              'template_id',
              'causal_mode',
              'fidelity_distribution',
              'created_at',
            ]),
            ['odd2', 't', 'Quantum', '{"dialog": 1.2.3, "trained": 01}', '2025-01-02T00:00:00'],
          ],
        ]);
        const filtered = await open(adapter);
        expect(await filtered.getAllRuns({ where: 'fidelity.dialog >= 1' })).toEqual([]);
        expect(
          (await filtered.getAllRuns({ where: "causal_mode like 'quant%'" })).map((r) => r.runId),
        ).toEqual(['odd', 'odd2']);
        await filtered.close();
      });

      it('keeps full precision in a deployed column added on first use', async () => {
        const { manager } = await fresh();
        const saved = await manager.saveMetadata({
          runId: 'precise',
          templateId: 't',
          causalMode: 'forward',
          durationSeconds: 12.345678901234,
        });
        expect(saved.durationSeconds).toBe(12.345678901234);
        expect((await manager.getRun('precise')).durationSeconds).toBe(12.345678901234);
        await manager.close();
      });
    });

    describe('queries', () => {
      async function seeded() {
        const { adapter, manager } = await fresh();
        const specs = [
          ['a', 'alpha', 'forward', '2025-03-01T00:00:00', 'completed'],
          ['b', 'beta', 'portal', '2025-01-01T00:00:00', 'failed'],
          ['c', 'alpha', 'portal', '2025-02-01T00:00:00', 'running'],
          ['d', 'beta', 'forward', '2025-04-01T00:00:00', 'completed'],
        ] as const;
        for (const [runId, templateId, causalMode, createdAt, status] of specs) {
          // Events are recorded while the run is running; a finished run takes none.
          const run = { runId, templateId, causalMode, createdAt };
          await manager.saveMetadata({ ...run, status: 'running' });
          await manager.recordMechanisms(runId, [
            { mechanism: 'M10', functionName: 'f' },
            { mechanism: 'M2', functionName: 'g' },
            { mechanism: 'M10', functionName: 'h' },
          ]);
          if (status !== 'running') await manager.saveMetadata({ ...run, status });
        }
        return { adapter, manager };
      }

      it('filters by template, status, mode and time range, oldest first', async () => {
        const { manager } = await seeded();
        const ids = async (filter: Parameters<MetadataManager['getAllRuns']>[0]) =>
          (await manager.getAllRuns(filter)).map((r) => r.runId);
        expect(await ids({})).toEqual(['b', 'c', 'a', 'd']);
        expect(await ids({ templateId: 'alpha' })).toEqual(['c', 'a']);
        expect(await ids({ status: 'COMPLETED' })).toEqual(['a', 'd']);
        expect(await ids({ causalMode: 'portal' })).toEqual(['b', 'c']);
        expect(await ids({ since: '2025-02-01T00:00:00', until: '2025-04-01T00:00:00' })).toEqual([
          'c',
          'a',
        ]);
        expect(await ids({ limit: 2 })).toEqual(['b', 'c']);
        expect(
          await ids({
            where: "template_id = 'beta' or causal_mode = 'portal' and status = 'running'",
          }),
        ).toEqual(['b', 'c', 'd']);
        expect(await ids({ where: "not status in ('completed', 'failed')" })).toEqual(['c']);
        await expect(manager.getAllRuns({ where: 'bogus = 1' })).rejects.toMatchObject({
          field: 'where',
        });
        await expect(manager.getAllRuns({ status: 'paused' as never })).rejects.toMatchObject({
          field: 'filter.status',
        });
        await manager.close();
      });

      it('returns mechanisms used with one grouped query, not one per run', async () => {
        const { adapter, manager } = await seeded();
        await manager.close();
        const counting = countingAdapter(adapter);
        const again = await open(counting);
        counting.reset();
        const runs = await again.getAllRuns({ withMechanisms: true });
        expect(runs.map((r) => r.mechanismsUsed)).toEqual(Array(4).fill(['M2', 'M10']));
        expect(counting.queries).toBeLessThanOrEqual(2);
        await again.close();
      });

      it('iterates page by page over every matching run exactly once, in insertion order', async () => {
        const { manager } = await seeded();
        for (let i = 0; i < 7; i++) {
          await manager.saveMetadata({
            runId: `same${i}`,
            templateId: 'gamma',
            causalMode: 'forward',
            createdAt: '2025-02-15T00:00:00',
          });
        }
        const inserted = (await manager.query('SELECT run_id FROM runs ORDER BY _rowid_')).map(
          (r) => r.run_id,
        );
        const iterated: string[] = [];
        for await (const run of manager.iterateRuns({}, { pageSize: 3 })) iterated.push(run.runId);
        expect(iterated).toEqual(inserted);
        expect(new Set(iterated).size).toBe(11);
        const filtered: string[] = [];
        for await (const run of manager.iterateRuns(
          { templateId: 'gamma', withMechanisms: true },
          { pageSize: 2 },
        )) {
          filtered.push(run.runId);
          expect(run.mechanismsUsed).toEqual([]);
        }
        expect(filtered).toEqual(Array.from({ length: 7 }, (_, i) => `same${i}`));
        await manager.close();
      });

      it('validates read and stale-run options, naming the option', async () => {
        const { manager } = await seeded();
        const cases: [() => Promise<unknown>, string, string][] = [
          [
            () => manager.getAllRuns({ templateID: 'alpha' } as never),
            'filter.templateID',
            'did you mean templateId?',
          ],
          [() => manager.getAllRuns({ limit: -1 }), 'filter.limit', '(got -1)'],
          [
            () => manager.iterateRuns({}, { pagesize: 2 } as never).next(),
            'pagesize',
            'did you mean pageSize?',
          ],
          [() => manager.iterateRuns({}, { pageSize: 0 }).next(), 'pageSize', '(got 0)'],
          [() => manager.iterateRuns({ limit: 3 } as never).next(), 'filter.limit', '(got 3)'],
          [
            () => manager.getRun('a', { includeArchve: true } as never),
            'includeArchve',
            'did you mean includeArchive?',
          ],
          [
            () => manager.getMechanisms('a', { includeArchive: 'yes' } as never),
            'includeArchive',
            '(got "yes")',
          ],
          [() => manager.getResolutions('a', { archive: true } as never), 'archive', 'unknown key'],
          [() => manager.getValidations('a', 'all' as never), 'options', '(got "all")'],
          [
            () => manager.getSnapshot('a', { narative: null } as never),
            'narative',
            'did you mean narrative?',
          ],
          [
            () => manager.getSnapshot('a', { narrative: 'text' } as never),
            'narrative',
            '(got "text")',
          ],
          [
            () => manager.findStaleRuns({ olderThanMs: 5, now: new Date('nonsense') }),
            'now',
            'valid Date',
          ],
          [
            () => manager.findStaleRuns({ olderThanMs: 5, olderThan: 1 } as never),
            'olderThan',
            'unknown key',
          ],
          [() => manager.findStaleRuns({} as never), 'olderThanMs', 'is required'],
          [
            () => manager.closeStaleRuns({ olderThanMs: 5, reason: '' }),
            'reason',
            'must not be empty',
          ],
          [() => manager.closeStaleRuns({ olderThanMs: Number.NaN }), 'olderThanMs', '(got NaN)'],
        ];
        for (const [attempt, field, text] of cases) {
          const error = await attempt().catch((e: unknown) => e);
          expect(error, field).toBeInstanceOf(ValidationError);
          expect(error).toMatchObject({ field, message: expect.stringContaining(text) });
        }
        // Valid options still work, each passed on only where it belongs.
        const narrative = {
          source: 'narrative_1.json',
          characters: ['ceo'],
          timeline: [],
          latestEvent: null,
          dialogCount: 0,
        };
        const snapshot = await manager.getSnapshot('a', { narrative, includeArchive: true });
        expect(snapshot.narrative).toEqual(narrative);
        expect(await manager.getMechanisms('a', { includeArchive: true })).toHaveLength(3);
        expect((await manager.getAllRuns()).map((r) => r.status)).toEqual([
          'failed',
          'running',
          'completed',
          'completed',
        ]);
        await manager.close();
      });

      it('has a read-only raw query escape hatch', async () => {
        const { manager } = await seeded();
        expect(
          await manager.query('SELECT run_id FROM runs WHERE template_id = ? ORDER BY run_id', [
            'beta',
          ]),
        ).toEqual([{ run_id: 'b' }, { run_id: 'd' }]);
        await expect(manager.query("DELETE FROM runs WHERE run_id = 'a'")).rejects.toBeInstanceOf(
          ReadOnlyError,
        );
        expect(await manager.getAllRuns()).toHaveLength(4);
        await manager.startRun({ runId: 'after', templateId: 't', causalMode: 'forward' });
        expect(await manager.getAllRuns()).toHaveLength(5);
        await manager.close();
      });
    });

    describe('migration', () => {
      it('migrates a documented v1 database (archive): old runs stay readable in the archive', async () => {
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
      });

      it('says when a run asked for without includeArchive is in the archive', async () => {
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
        expect((write as RunNotFoundError).cliHint).toContain(
          'runmeta migrate --carry-over-archive',
        );
        // Nothing about the archive for a run that is nowhere, and the same reads
        // with includeArchive still work.
        const nowhere = await manager.getRun('no_such_run').catch((e: unknown) => e);
        expect((nowhere as RunNotFoundError).archive).toBeNull();
        expect(await manager.getMechanisms('no_such_run')).toEqual([]);
        expect(
          (await manager.getMechanisms('v1_run_2', { includeArchive: true })).map(
            (m) => m.mechanism,
          ),
        ).toEqual(['M3']);
        await manager.close();
      });

      it('migrates a documented v1 database (carry-over with backfill)', async () => {
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
      });

      it('with autoMigrate: false throws NeedsMigrationError and leaves the bytes identical', async () => {
        const adapter = await options.createAdapter();
        await seedDocumentedV1(adapter);
        const before = await adapter.readBytes(DB);
        await expect(open(adapter, { autoMigrate: false })).rejects.toBeInstanceOf(
          NeedsMigrationError,
        );
        expect(sameBytes(await adapter.readBytes(DB), before)).toBe(true);
        expect(await adapter.list()).toEqual([DB]);
      });

      it('validates every open, plan and rollback option before touching anything', async () => {
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
          ).rejects.toMatchObject({ code: 'RUNMETA_VALIDATION', field });
        }
        expect(sameBytes(await adapter.readBytes(DB), before)).toBe(true);
        expect(await adapter.list()).toEqual([DB]);
      });

      it('plans without touching anything (dry run)', async () => {
        const adapter = await options.createAdapter();
        await seedDocumentedV1(adapter);
        const before = await adapter.readBytes(DB);
        const plan = await MetadataManager.plan({ adapter, migration: { strategy: 'carry-over' } });
        expect(plan.action).toBe('migrate');
        expect(plan.steps.map((s) => s.kind)).toContain('carry-over');
        expect(sameBytes(await adapter.readBytes(DB), before)).toBe(true);
        expect(await adapter.list()).toEqual([DB]);
      });

      it('never overwrites an existing archive: it picks a new name', async () => {
        const adapter = await options.createAdapter();
        await seedDocumentedV1(adapter, 'runs_v1_archive.db', 2);
        const existing = await adapter.readBytes('runs_v1_archive.db');
        await seedDocumentedV1(adapter, DB, 3);
        const manager = await open(adapter);
        expect(manager.migration?.archivePath).toBe(adapter.describe('runs_v1_archive_2.db'));
        expect(sameBytes(await adapter.readBytes('runs_v1_archive.db'), existing)).toBe(true);
        expect(await manager.getAllRuns({ includeArchive: true })).toHaveLength(3);
        await manager.close();
      });

      it('finishes a migration interrupted between its two renames', async () => {
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
      });

      it('discards an incomplete aside left by a killed build, leaving the v1 file untouched', async () => {
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
      });

      for (const file of [
        'deployed-v1-18col-9runs.db',
        'deployed-v1-20col-393runs.db',
        'deployed-v2-32col-110runs.db',
      ]) {
        for (const strategy of ['archive', 'carry-over'] as MigrationStrategy[]) {
          it(`opens the real ${file} (${strategy}) and reads back every run and child row`, async () => {
            const bytes = options.fixtures[file];
            expect(bytes, `fixture ${file}`).toBeDefined();
            const adapter = await options.createAdapter();
            let expectedRunsColumns = 0;
            await adapter.writeBytes(DB, bytes!);
            await adapter.writeBytes('reference.db', bytes!);
            const reference = await raw(
              adapter,
              'reference.db',
              'SELECT * FROM runs ORDER BY run_id',
            );
            expect(reference.length).toBeGreaterThan(0);
            const childCounts = await raw(
              adapter,
              'reference.db',
              'SELECT (SELECT count(*) FROM mechanism_usage) AS m, (SELECT count(*) FROM resolution_assignments) AS r, (SELECT count(*) FROM validations) AS v',
            );
            const manager = await open(adapter, { migration: { strategy } });
            const isV2 = file.includes('v2');
            const runs = await manager.getAllRuns({ includeArchive: true, withMechanisms: true });
            expect(runs).toHaveLength(reference.length);
            const byId = new Map(runs.map((r) => [r.runId, r]));
            const fields = fieldIndex(TABLES.runs);
            for (const row of reference) {
              const run = byId.get(String(row.run_id))!;
              expect(run, String(row.run_id)).toBeDefined();
              for (const [column, value] of Object.entries(row)) {
                const known = fields.get(column);
                if (!known) {
                  expect(run.extra[column]).toEqual(value);
                  continue;
                }
                const [field, def] = known;
                if (field === 'schemaVersion') continue;
                expect(
                  (run as unknown as Record<string, unknown>)[field],
                  `${row.run_id}.${column}`,
                ).toEqual(def.codec.decode(value).value);
              }
              expect(run.schemaVersion).toBe(isV2 ? row.schema_version : '1.0');
              expect(run.source).toBe(isV2 || strategy === 'carry-over' ? 'active' : 'archive');
            }
            const modes = new Set(runs.map((r) => r.causalMode));
            expect(
              [...modes].every((m) =>
                [
                  'pearl',
                  'nonlinear',
                  'branching',
                  'directorial',
                  'cyclical',
                  'portal',
                  'forward',
                ].includes(String(m)),
              ),
            ).toBe(true);
            expect(
              runs.flatMap((r) => r.readIssues ?? []).filter((i) => i.kind === 'unknown_enum'),
            ).toEqual([]);
            const sorted = runs.map((r) => r.createdAt ?? r.startedAt ?? '');
            expect(sorted).toEqual([...sorted].sort());
            // Child rows: every one is readable from the database that holds the run.
            const counts = childCounts[0]!;
            if (isV2 || strategy === 'carry-over') {
              let m = 0;
              let r = 0;
              for (const run of runs) {
                m += (await manager.getMechanisms(run.runId!)).length;
                r += (await manager.getResolutions(run.runId!)).length;
              }
              expect([m, r]).toEqual([counts.m, counts.r]);
            }
            if (isV2) {
              expect(manager.migration).toMatchObject({
                action: 'repair',
                addedColumns: [
                  'created_at',
                  'updated_at',
                  'goal',
                  'origin_description',
                  'portal_description',
                  'portal_year',
                  'origin_year',
                  'backward_steps',
                ],
              });
              expect(runs.filter((run) => run.status === 'running')).toHaveLength(18);
              const trained = await manager.getAllRuns({ where: 'fidelity.trained >= 2' });
              expect(trained.map((r) => r.runId)).toEqual(
                runs.filter((r) => (r.fidelityDistribution?.trained ?? 0) >= 2).map((r) => r.runId),
              );
              expect(trained.length).toBeGreaterThan(0);
              expect(
                Math.max(...runs.map((run) => run.tokenBudgetCompliance ?? 0)),
              ).toBeGreaterThan(1);
              expect(
                runs.some(
                  (run) =>
                    run.fidelityDistribution && Object.keys(run.fidelityDistribution).length > 0,
                ),
              ).toBe(true);
              expectedRunsColumns = 40;
            } else {
              expect(manager.migration).toMatchObject({
                action: 'migrate',
                strategy,
                archivedRuns: reference.length,
                runsCarried: strategy === 'carry-over' ? reference.length : 0,
              });
            }
            // New runs (and their child rows, whose ids continue after the carried
            // ones) can be written on top of real data, and read back as the latest.
            await manager.startRun({
              runId: 'new_after_migration',
              templateId: 'jefferson_dinner',
              causalMode: 'pearl',
            });
            await manager.recordBatch('new_after_migration', {
              mechanisms: [{ mechanism: 'M1', functionName: 'after' }],
              resolutions: [{ entityId: 'e', resolution: 'DIALOG', timepointId: 'tp' }],
              validations: [{ validatorName: 'v', passed: true }],
            });
            expect((await manager.getSnapshot('new_after_migration')).mechanismsUsed).toEqual([
              'M1',
            ]);
            const latest = (await manager.getAllRuns({ includeArchive: true })).at(-1);
            expect(latest?.runId).toBe('new_after_migration');
            await manager.close();
            if (expectedRunsColumns) {
              expect((await observe(adapter)).tables.runs).toHaveLength(expectedRunsColumns);
            }
          });
        }
      }
    });

    describe('edge cases found in review', () => {
      it('refuses an existing empty database file, unchanged', async () => {
        const adapter = await options.createAdapter();
        // An empty SQLite file is an empty database (a server imports it as an empty schema).
        await adapter.writeBytes(DB, new Uint8Array(0));
        await expect(open(adapter)).rejects.toMatchObject({
          code: 'RUNMETA_NOT_A_DATABASE',
          message: expect.stringContaining('no tables'),
        });
        if (exactBytes(adapter)) expect((await adapter.readBytes(DB)).length).toBe(0);
        expect(Object.keys((await observe(adapter)).tables)).toEqual([]);
        expect(await adapter.list()).toEqual([DB]);
      });

      it('leaves a WAL-mode file byte-identical when opening is refused', async () => {
        const adapter = await options.createAdapter();
        const fixture = options.fixtures['deployed-v2-32col-110runs.db']!;
        await adapter.writeBytes(DB, fixture);
        // What the container holds after the write: the file itself, or a server's image of it.
        const bytes = exactBytes(adapter) ? fixture : await adapter.readBytes(DB);
        await expect(open(adapter, { autoMigrate: false })).rejects.toBeInstanceOf(
          NeedsMigrationError,
        );
        expect(sameBytes(await adapter.readBytes(DB), bytes)).toBe(true);
        expect(await adapter.list()).toEqual([DB]);
        const plan = await MetadataManager.plan({ adapter });
        expect(plan.action).toBe('repair');
        expect(sameBytes(await adapter.readBytes(DB), bytes)).toBe(true);
        expect(await adapter.list()).toEqual([DB]);
      });

      it('reports a NOT NULL column of a deployed file as a validation error and stays usable', async () => {
        const adapter = await options.createAdapter();
        await adapter.writeBytes(DB, options.fixtures['deployed-v2-32col-110runs.db']!);
        const manager = await open(adapter);
        const error = await manager
          .saveMetadata({ runId: 'no_start', templateId: 't', causalMode: 'pearl', summary: 's' })
          .catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'RUNMETA_VALIDATION', field: 'runs.started_at' });
        expect(await manager.getAllRuns()).toHaveLength(110);
        const saved = await manager.saveMetadata({
          runId: 'with_start',
          templateId: 't',
          causalMode: 'pearl',
          createdAt: '2026-02-01T00:00:00',
        });
        expect(saved.startedAt).toBe('2026-02-01T00:00:00');
        await manager.close();
      });

      it('keeps query() from changing the connection', async () => {
        const { adapter, manager } = await fresh();
        await manager.startRun({ runId: 'stays', templateId: 't', causalMode: 'forward' });
        await expect(manager.query('BEGIN')).rejects.toBeInstanceOf(ReadOnlyError);
        await expect(manager.query("ATTACH DATABASE 'other.db' AS other")).rejects.toBeInstanceOf(
          ReadOnlyError,
        );
        await expect(manager.query('PRAGMA foreign_keys = OFF')).rejects.toBeInstanceOf(
          ReadOnlyError,
        );
        await expect(manager.query('SET search_path TO other')).rejects.toBeInstanceOf(
          ReadOnlyError,
        );
        await expect(manager.query('/* sneaky */ DELETE FROM runs')).rejects.toBeInstanceOf(
          ReadOnlyError,
        );
        // Several statements in one string: refused, or only the first one runs.
        for (const sneaky of [
          'SELECT 1 AS one; DELETE FROM runs',
          'SELECT 1 AS one; COMMIT; DELETE FROM runs',
        ]) {
          await manager.query(sneaky).catch(() => undefined);
        }
        // A data-modifying WITH: refused by the read-only transaction (PostgreSQL) or
        // not valid SQL at all (SQLite: a ValidationError naming sql); either way
        // nothing is deleted.
        await expect(
          manager.query('WITH gone AS (DELETE FROM runs RETURNING run_id) SELECT * FROM gone'),
        ).rejects.toMatchObject({ code: expect.stringMatching(/RUNMETA_(READ_ONLY|VALIDATION)/) });
        expect((await manager.getAllRuns()).map((r) => r.runId)).toEqual(['stays']);
        expect(await manager.query('  -- a comment\n  SELECT 1 AS one')).toEqual([{ one: 1 }]);
        if (dialectOf(adapter).name === 'sqlite') {
          expect(await manager.query('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
        }
        expect(await adapter.exists('other.db')).toBe(false);
        const run = await manager.startRun({ templateId: 't', causalMode: 'forward' });
        expect(run.status).toBe('running');
        await manager.close();
      });

      it('keeps raw child values it cannot decode, and saves a read run back without losing raw values', async () => {
        const { adapter, manager } = await fresh();
        await manager.startRun({ runId: 'r', templateId: 't', causalMode: 'forward' });
        await manager.close();
        await rawExec(adapter, DB, [
          [
            insertSql('validations', [
              'run_id',
              'validator_name',
              'passed',
              'timestamp',
              'violations',
            ]),
            ['r', 'v', 0, '2025-01-01T00:00:00', "['a', 'b']"],
          ],
          [
            "UPDATE runs SET fidelity_distribution = '{oops', causal_mode = 'quantum' WHERE run_id = 'r'",
          ],
        ]);
        const again = await open(adapter);
        const [validation] = await again.getValidations('r');
        expect(validation?.readIssues).toEqual([
          { column: 'violations', kind: 'invalid_json', raw: "['a', 'b']" },
        ]);
        const run = await again.getRun('r');
        await again.saveMetadata({ ...run, goal: 'new goal' });
        const [stored] = await again.query(
          'SELECT causal_mode, fidelity_distribution, goal FROM runs WHERE run_id = ?',
          ['r'],
        );
        expect(stored).toEqual({
          causal_mode: 'quantum',
          fidelity_distribution: '{oops',
          goal: 'new goal',
        });
        await expect(
          again.saveMetadata({ runId: 'x', schemaVersion: '3.0' as never }),
        ).rejects.toMatchObject({ field: 'schemaVersion' });
        await again.close();
      });

      it('pages numeric timestamps too, and returns the latest N newest first', async () => {
        const { adapter, manager } = await fresh();
        await manager.close();
        await rawExec(
          adapter,
          DB,
          Array.from(
            { length: 5 },
            (_, i) =>
              [
                insertSql('runs', ['run_id', 'template_id', 'created_at']),
                [`n${i}`, 't', 1000 + i],
              ] as [string, SqlValue[]],
          ),
        );
        const again = await open(adapter);
        const seen: string[] = [];
        for await (const run of again.iterateRuns({}, { pageSize: 2 })) seen.push(run.runId);
        expect(seen).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
        const latest = await again.getAllRuns({ order: 'newest-first', limit: 2 });
        expect(latest.map((r) => r.runId)).toEqual(['n4', 'n3']);
        await expect(async () => {
          for await (const _ of again.iterateRuns({}, { pageSize: 0 })) break;
        }).rejects.toMatchObject({ field: 'pageSize' });
        await again.close();
      });

      it('carries over orphan child rows instead of failing', async () => {
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
      });
    });

    describe('rollback and stale runs', () => {
      it('rolls back to the archive, keeping v2 runs in a backup, only when confirmed', async () => {
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
      });

      it('counts, by kind, what only the backup holds after a carry-over with backfill', async () => {
        const adapter = await options.createAdapter();
        await seedDocumentedV1(adapter);
        // A run still going when the file was migrated: it takes events afterwards.
        await rawExec(adapter, DB, [
          ["UPDATE runs SET status = 'running' WHERE run_id = 'v1_run_1'"],
        ]);
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
        expect(result.warning).toContain(
          '1 child row added to carried-over runs (mechanism_usage 1)',
        );
      });

      it('finishes a rollback interrupted after the v2 database moved to its backup', async () => {
        const adapter = await options.createAdapter();
        await seedDocumentedV1(adapter);
        const original = await adapter.readBytes(DB);
        await (await open(adapter)).close();
        await adapter.copy('runs_v1_archive.db', restoringNameFor(DB));
        await adapter.move(DB, 'runs_v2_backup.db');
        await expect(open(adapter, { autoMigrate: false })).rejects.toBeInstanceOf(
          NeedsMigrationError,
        );
        expect(sameBytes(await adapter.readBytes(DB), original)).toBe(true);
        expect(await adapter.exists(restoringNameFor(DB))).toBe(false);
      });

      it('finds runs still running after a given age and closes them as failed', async () => {
        const { manager } = await fresh();
        const now = new Date('2026-01-10T12:00:00Z');
        await manager.saveMetadata({
          runId: 'old',
          templateId: 't',
          status: 'running',
          createdAt: '2026-01-09T00:00:00',
        });
        await manager.saveMetadata({
          runId: 'recent',
          templateId: 't',
          status: 'running',
          createdAt: '2026-01-10T11:30:00',
        });
        await manager.saveMetadata({
          runId: 'done',
          templateId: 't',
          status: 'completed',
          createdAt: '2026-01-01T00:00:00',
        });
        const stale = await manager.findStaleRuns({ olderThanMs: 3_600_000, now });
        expect(stale.map((r) => r.runId)).toEqual(['old']);
        const closed = await manager.closeStaleRuns({
          olderThanMs: 3_600_000,
          now,
          reason: 'process died',
        });
        expect(closed.map((r) => [r.runId, r.status, r.errorMessage])).toEqual([
          ['old', 'failed', 'process died'],
        ]);
        expect((await manager.getRun('recent')).status).toBe('running');
        await expect(manager.findStaleRuns({ olderThanMs: -1 })).rejects.toMatchObject({
          field: 'olderThanMs',
        });
        await manager.close();
      });
    });

    describe('stale runs that finish meanwhile', () => {
      it('closeStaleRuns leaves a run that completed after it was found as it is', async () => {
        const { manager } = await fresh();
        const now = new Date('2026-01-10T12:00:00Z');
        await manager.startRun({
          runId: 'slow',
          templateId: 't',
          causalMode: 'forward',
          createdAt: '2026-01-09T00:00:00',
        });
        // Both calls are queued on the one connection: the completion commits
        // between closeStaleRuns' search and its write.
        const [closed, completed] = await Promise.all([
          manager.closeStaleRuns({ olderThanMs: 3_600_000, now, reason: 'process died' }),
          manager.completeRun('slow', {
            entitiesCreated: 1,
            timepointsCreated: 1,
            costUsd: 0.1,
            tokensUsed: 10,
          }),
        ]);
        expect(completed.status).toBe('completed');
        expect(closed).toEqual([]);
        const run = await manager.getRun('slow');
        expect([run.status, run.errorMessage, run.tokensUsed]).toEqual(['completed', null, 10]);
        await manager.close();
      });
    });

    describe('errors', () => {
      it('refuses a newer schema, changes nothing, and allows read-only reading', async () => {
        const adapter = await options.createAdapter();
        await rawExec(adapter, DB, [
          ...schemaDdl('v2', dialectOf(adapter)).map((sql) => [sql] as [string]),
          [insertSql('runs', ['run_id', 'template_id', 'schema_version']), ['future', 't', '3.0']],
        ]);
        const before = await adapter.readBytes(DB);
        const error = await open(adapter).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(NewerSchemaError);
        expect((error as Error).message).toContain('3.0');
        expect(sameBytes(await adapter.readBytes(DB), before)).toBe(true);
        const reader = await open(adapter, { readOnly: true });
        expect((await reader.getRun('future')).schemaVersion).toBe('3.0');
        await expect(
          reader.startRun({ templateId: 't', causalMode: 'forward' }),
        ).rejects.toBeInstanceOf(NewerSchemaError);
        await reader.close();
        expect(sameBytes(await adapter.readBytes(DB), before)).toBe(true);
      });

      it('refuses bytes that are not SQLite, unchanged', async () => {
        const adapter = await options.createAdapter();
        const junk = new Uint8Array(4096).map((_, i) => (i * 7919) % 251);
        if (!exactBytes(adapter)) {
          // A server imports images: junk is refused at the door, and nothing is created.
          const refused = await adapter.writeBytes(DB, junk).catch((e: unknown) => e);
          expect(refused).toBeInstanceOf(NotADatabaseError);
          expect((refused as Error).message).toMatch(/not an SQLite database/);
          expect(await adapter.exists(DB)).toBe(false);
          return;
        }
        await adapter.writeBytes(DB, junk);
        const error = await open(adapter).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(NotADatabaseError);
        expect((error as Error).message).toMatch(/not a SQLite database/);
        expect(sameBytes(await adapter.readBytes(DB), junk)).toBe(true);
      });

      it('refuses SQLite without a runs table, unchanged', async () => {
        const adapter = await options.createAdapter();
        await rawExec(adapter, DB, [['CREATE TABLE other (x INTEGER)']]);
        const before = await adapter.readBytes(DB);
        await expect(open(adapter)).rejects.toMatchObject({
          code: 'RUNMETA_NOT_A_DATABASE',
          message: expect.stringContaining('no runs table'),
        });
        expect(sameBytes(await adapter.readBytes(DB), before)).toBe(true);
      });

      it('refuses read-only opening of a missing database, and writes on a read-only manager', async () => {
        const adapter = await options.createAdapter();
        await expect(open(adapter, { readOnly: true })).rejects.toBeInstanceOf(NotADatabaseError);
        const manager = await open(adapter);
        await manager.close();
        const reader = await open(adapter, { readOnly: true });
        await expect(
          reader.startRun({ templateId: 't', causalMode: 'forward' }),
        ).rejects.toBeInstanceOf(ReadOnlyError);
        await reader.close();
      });

      it('closes once and refuses use after close', async () => {
        const { manager } = await fresh();
        await manager.close();
        await manager.close();
        await expect(manager.getAllRuns()).rejects.toBeInstanceOf(ClosedError);
      });
    });

    describeArchiveConformance(options);
  });
}
