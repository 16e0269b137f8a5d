/**
 * The run lifecycle: start, record events, complete with computed v2 metrics,
 * summaries and whole-run saves, read back as written.
 */
import { expect } from 'vitest';
import { RunNotFoundError } from '../../errors.js';
import { strategyWithDefaults } from '../../schema/strategy.js';
import { formatSnapshotForLlm } from '../../snapshot/snapshot.js';
import { group } from './context.js';
import { DB, raw } from './sql-helpers.js';

export const runLifecycle = group('a run is started, recorded, completed and read back', {
  'starts, records, completes and reads back a run with computed v2 metrics': async ({ fresh }) => {
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
  },
  'lets explicit metric values win, marks failures, and handles no budget and zero tokens': async ({
    fresh,
  }) => {
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
  },
  'stores only the strategy fields the caller gave, and completion adds the actuals': async ({
    fresh,
    open,
  }) => {
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
  },
  'serialises concurrent calls on one manager': async ({ fresh }) => {
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
  },
  'stores summaries, adding the deployed summary columns on first use': async ({ fresh }) => {
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
  },
  'upserts whole runs with saveMetadata and round-trips a read run': async ({ fresh }) => {
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
  },
});
