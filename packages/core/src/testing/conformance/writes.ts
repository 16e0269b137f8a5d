/**
 * Writes are strict: every input is validated before anything is written, the
 * error names the field and the value received, a bad item rejects its whole
 * batch, and a finished or unknown run takes no records.
 */
import { expect } from 'vitest';
import { CHILD_TABLES } from '../../columns/registry.js';
import { RunFinishedError, RunNotFoundError, ValidationError } from '../../errors.js';
import { each, group } from './context.js';
import { DB, raw, rawExec } from './sql-helpers.js';

export const strictWrites = group('writes are strict', {
  'startRun rejects a bad %s': each(
    [
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
    ],
    async ({ fresh }, field, input) => {
      const { manager } = await fresh();
      const error = await manager.startRun(input as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
      expect((error as Error).message).toMatch(/^\[runmeta\] Invalid /);
      expect(await manager.getAllRuns()).toEqual([]);
      await manager.close();
    },
  ),
  'completeRun rejects a bad %s and changes nothing': each(
    [
      ['costUsd', { costUsd: Number.POSITIVE_INFINITY }],
      ['entitiesCreated', { entitiesCreated: -3 }],
      ['tokensUsed', { tokensUsed: 1.5 }],
      ['tokensUsed', { tokensUsed: Number.NaN }],
    ],
    async ({ fresh }, field, patch) => {
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
    },
  ),
  'says which value it received in every validation message': async ({ fresh }) => {
    const { manager } = await fresh();
    await manager.startRun({ runId: 'r', templateId: 't', causalMode: 'forward' });
    const finish = { entitiesCreated: 1, timepointsCreated: 1, costUsd: 0, tokensUsed: 1 };
    const cases: [() => Promise<unknown>, string, string][] = [
      [
        () => manager.startRun({ templateId: 5, causalMode: 'forward' } as never),
        'templateId',
        '(got 5)',
      ],
      [() => manager.completeRun('r', { ...finish, costUsd: Number.NaN }), 'costUsd', '(got NaN)'],
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
  },
  'refuses a completion whose computed metrics would not be finite numbers': async ({ fresh }) => {
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
  },
  'records a batch whose items differ in optional fields': async ({ fresh }) => {
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
    expect(validations.map((v) => [v.validatorName, v.passed, v.message, v.violations])).toEqual([
      ['v1', false, 'late', ['e1']],
      ['v2', true, null, []],
    ]);
    await manager.close();
  },
  'rejects a whole batch when one item is bad, naming its index': async ({ fresh }) => {
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
  },
  'refuses children of unknown runs and duplicate run ids': async ({ fresh }) => {
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
  },
  'refuses child records and a second completion on a finished run, writing nothing': async ({
    fresh,
    open,
  }) => {
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
        () => reopened.recordBatch(runId, { mechanisms: [mechanism], resolutions: [resolution] }),
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
  },
  'refuses a duplicate run id even where run_id is not the table key': async ({ fresh, open }) => {
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
  },
});
