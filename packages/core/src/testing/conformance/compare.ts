/**
 * Comparing runs and mechanism coverage answer the same on every backend:
 * `compareRuns` gives every field with what differs and the deltas against a
 * baseline, the mechanism sets, fidelity and validations of the runs the case
 * wrote, finds a run only in the v1 archive when asked (and says where it is
 * when not), and reads a few statements whatever the number of runs;
 * `mechanismCoverage` counts template × mechanism in one statement, equal to a
 * count made here over what the case wrote.
 */
import { expect } from 'vitest';
import { CANONICAL_RUN_COLUMNS } from '../../columns/registry.js';
import { RunNotFoundError, ValidationError } from '../../errors.js';
import type { MetadataManager } from '../../manager/metadata-manager.js';
import { compareRuns } from '../../queries/compare.js';
import { mechanismCoverage } from '../../queries/coverage.js';
import { countingAdapter } from '../counting-adapter.js';
import { type ConformanceContext, group } from './context.js';
import { seedDocumentedV1 } from './sql-helpers.js';

const ARCHIVE = 'runs_v1_archive.db';

/** What a case writes of one run, and so expects back. */
interface Written {
  runId: string;
  templateId: string;
  causalMode: 'forward' | 'portal' | 'directorial';
  status: 'completed' | 'failed' | 'running';
  originYear: number | null;
  costUsd: number;
  tokensUsed: number;
  trainingExamples: number;
  mechanisms: string[];
  levels: [
    entity: string,
    level: Parameters<MetadataManager['recordResolution']>[1]['resolution'],
  ][];
  validations: [validator: string, passed: boolean][];
}

const RUNS: Written[] = [
  {
    runId: 'r1',
    templateId: 'alpha',
    causalMode: 'forward',
    status: 'completed',
    originYear: null,
    costUsd: 0.4,
    tokensUsed: 1000,
    trainingExamples: 0,
    mechanisms: ['M1', 'M3', 'M1'],
    levels: [
      ['ceo', 'DIALOG'],
      ['cfo', 'scene'],
    ],
    validations: [
      ['schema', true],
      ['timeline', false],
    ],
  },
  {
    runId: 'r2',
    templateId: 'alpha',
    causalMode: 'forward',
    status: 'completed',
    originYear: 1990,
    costUsd: 0.52,
    tokensUsed: 1500,
    trainingExamples: 5,
    mechanisms: ['M5', 'M1'],
    levels: [['ceo', 'trained']],
    validations: [
      ['schema', true],
      ['schema', true],
    ],
  },
  {
    runId: 'r3',
    templateId: 'beta',
    causalMode: 'portal',
    status: 'completed',
    originYear: null,
    costUsd: 0.1,
    tokensUsed: 800,
    trainingExamples: 0,
    mechanisms: ['M17', 'M3', 'M1'],
    levels: [],
    validations: [],
  },
];

/** Write runs as a pipeline would: start, record events, complete (or leave running). */
async function write(manager: MetadataManager, runs: readonly Written[]): Promise<void> {
  for (const [i, run] of runs.entries()) {
    await manager.saveMetadata({
      runId: run.runId,
      templateId: run.templateId,
      causalMode: run.causalMode,
      status: 'running',
      originYear: run.originYear,
      createdAt: `2025-05-0${(i % 9) + 1}T10:00:00`,
    });
    await manager.recordBatch(run.runId, {
      mechanisms: run.mechanisms.map((mechanism) => ({ mechanism, functionName: 'f' })),
      resolutions: run.levels.map(([entityId, resolution]) => ({
        entityId,
        resolution,
        timepointId: 'tp1',
      })),
      validations: run.validations.map(([validatorName, passed]) => ({ validatorName, passed })),
    });
    if (run.status === 'running') continue;
    await manager.completeRun(run.runId, {
      entitiesCreated: 2,
      timepointsCreated: 3,
      trainingExamples: run.trainingExamples,
      costUsd: run.costUsd,
      tokensUsed: run.tokensUsed,
      ...(run.status === 'failed' ? { errorMessage: 'broke' } : {}),
    });
  }
}

const field = (result: Awaited<ReturnType<typeof compareRuns>>, name: string) => {
  const found = result.fields.find((f) => f.field === name);
  expect(found, name).toBeDefined();
  return found!;
};

/** A documented v1 database migrated with the archive strategy (its five runs now archived). */
async function archived(t: ConformanceContext) {
  const adapter = await t.options.createAdapter();
  await seedDocumentedV1(adapter);
  const manager = await t.open(adapter);
  expect(manager.migration?.strategy).toBe('archive');
  return { adapter, manager };
}

export const comparing = group('compare and coverage answer the same on every backend', {
  'compareRuns gives every field, what differs, deltas against a baseline, mechanisms, fidelity and validations':
    async ({ fresh }) => {
      const { manager } = await fresh();
      await write(manager, RUNS);
      const result = await compareRuns(manager, ['r1', 'r2', 'r3']);
      expect(result.runs).toEqual([
        { runId: 'r1', source: 'active' },
        { runId: 'r2', source: 'active' },
        { runId: 'r3', source: 'active' },
      ]);
      expect(result.baseline).toBe('r1');
      // A fresh v2 table has the 27 documented columns: one field each, in documented order.
      expect(result.fields.map((f) => f.field)).toEqual(Object.keys(CANONICAL_RUN_COLUMNS));
      expect(field(result, 'templateId')).toMatchObject({
        values: ['alpha', 'alpha', 'beta'],
        differs: true,
        deltas: null,
      });
      expect(field(result, 'status')).toMatchObject({ differs: false, deltas: null });
      const cost = field(result, 'costUsd');
      expect(cost.values).toEqual([0.4, 0.52, 0.1]);
      expect(cost.deltas![0]).toEqual({ absolute: 0, percent: 0 });
      expect(cost.deltas![1]!.absolute).toBeCloseTo(0.12, 10);
      expect(cost.deltas![1]!.percent).toBeCloseTo(30, 8);
      expect(cost.deltas![2]!.absolute).toBeCloseTo(-0.3, 10);
      expect(cost.deltas![2]!.percent).toBeCloseTo(-75, 8);
      // A baseline of 0 has no percentage; a baseline without a value no delta at all.
      expect(field(result, 'trainingExamples').deltas).toEqual([
        { absolute: 0, percent: null },
        { absolute: 5, percent: null },
        { absolute: 0, percent: null },
      ]);
      expect(field(result, 'originYear')).toMatchObject({
        values: [null, 1990, null],
        differs: true,
        deltas: [
          { absolute: null, percent: null },
          { absolute: null, percent: null },
          { absolute: null, percent: null },
        ],
      });
      // Every field holds what a read of each run holds.
      for (const [i, runId] of ['r1', 'r2', 'r3'].entries()) {
        const run = (await manager.getRun(runId)) as unknown as Record<string, unknown>;
        for (const f of result.fields)
          expect(f.values[i], `${runId}.${f.field}`).toEqual(run[f.field]);
      }
      expect(result.mechanisms).toEqual({
        events: [
          { mechanism: 'M1', events: [2, 1, 1] },
          { mechanism: 'M3', events: [1, 0, 1] },
          { mechanism: 'M5', events: [0, 1, 0] },
          { mechanism: 'M17', events: [0, 0, 1] },
        ],
        shared: ['M1'],
        only: [[], ['M5'], ['M17']],
      });
      expect(result.fidelity).toEqual({
        levels: ['scene', 'dialog', 'trained'],
        distributions: [{ dialog: 1, scene: 1 }, { trained: 1 }, null],
        derived: [false, false, false],
      });
      expect(result.validations).toEqual([
        { passed: 1, failed: 1, total: 2, failedValidators: ['timeline'] },
        { passed: 2, failed: 0, total: 2, failedValidators: [] },
        { passed: 0, failed: 0, total: 0, failedValidators: [] },
      ]);
      // Another baseline: the deltas are measured from it.
      const fromR2 = await compareRuns(manager, ['r1', 'r2'], { baseline: 'r2' });
      expect(fromR2.baseline).toBe('r2');
      expect(field(fromR2, 'tokensUsed').deltas).toEqual([
        { absolute: -500, percent: expect.closeTo(-33.3333333333, 8) },
        { absolute: 0, percent: 0 },
      ]);
      await manager.close();
    },
  'compareRuns reads a few statements, however many runs it compares': async ({ fresh, open }) => {
    const { adapter, manager } = await fresh();
    const many = Array.from({ length: 12 }, (_, i) => ({
      ...RUNS[i % 3]!,
      runId: `many${i}`,
    }));
    await write(manager, many);
    await manager.close();
    const counting = countingAdapter(adapter);
    const reader = await open(counting, { readOnly: true });
    const reads: number[] = [];
    for (const ids of [['many0', 'many1'], many.map((r) => r.runId)]) {
      counting.reset();
      const result = await compareRuns(reader, ids);
      expect(result.runs).toHaveLength(ids.length);
      reads.push(counting.queries);
    }
    // Runs, mechanism events, validations: one statement each for all the runs.
    expect(reads[0]).toBeLessThanOrEqual(3);
    expect(reads[1]).toBe(reads[0]);
    await reader.close();
  },
  'compareRuns finds a run only in the archive with includeArchive, and names the archive without it':
    async (t) => {
      const { adapter, manager } = await archived(t);
      await write(manager, [{ ...RUNS[0]!, runId: 'fresh', mechanisms: ['M3', 'M4'] }]);
      const error = await compareRuns(manager, ['fresh', 'v1_run_2']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RunNotFoundError);
      expect(error).toMatchObject({ runId: 'v1_run_2', archive: adapter.describe(ARCHIVE) });
      const result = await compareRuns(manager, ['v1_run_2', 'fresh'], { includeArchive: true });
      expect(result.runs).toEqual([
        { runId: 'v1_run_2', source: 'archive' },
        { runId: 'fresh', source: 'active' },
      ]);
      expect(result.fields.map((f) => f.field).slice(0, 3)).toEqual([
        'runId',
        'source',
        'templateId',
      ]);
      expect(field(result, 'source').values).toEqual(['archive', 'active']);
      expect(field(result, 'schemaVersion').values).toEqual(['1.0', '2.0']);
      expect(field(result, 'goal').values).toEqual(['goal 2', null]);
      const tokens = field(result, 'tokensUsed');
      expect(tokens.values).toEqual([2000, 1000]);
      expect(tokens.deltas![1]).toEqual({ absolute: -1000, percent: -50 });
      expect(result.mechanisms.shared).toEqual(['M3']);
      expect(result.mechanisms.only).toEqual([[], ['M4']]);
      // The v1 run stores no distribution: it is derived from its assignments.
      expect(result.fidelity.distributions).toEqual([{ dialog: 1 }, { dialog: 1, scene: 1 }]);
      expect(result.fidelity.derived).toEqual([true, false]);
      // A run in both databases is its active copy.
      await manager.saveMetadata({ runId: 'v1_run_3', templateId: 'active_copy' });
      const both = await compareRuns(manager, ['v1_run_3', 'v1_run_0'], { includeArchive: true });
      expect(both.runs.map((r) => r.source)).toEqual(['active', 'archive']);
      expect(field(both, 'templateId').values).toEqual(['active_copy', 'tpl_0']);
      const nowhere = await compareRuns(manager, ['fresh', 'nowhere'], {
        includeArchive: true,
      }).catch((e: unknown) => e);
      expect(nowhere).toMatchObject({ runId: 'nowhere', archive: null });
      await manager.close();
    },
  'compareRuns refuses fewer than two runs, a run named twice and a baseline not among them':
    async ({ fresh }) => {
      const { manager } = await fresh();
      await write(manager, RUNS.slice(0, 2));
      const cases: [() => Promise<unknown>, string, string][] = [
        [() => compareRuns(manager, ['r1']), 'runIds', 'at least two'],
        [() => compareRuns(manager, []), 'runIds', 'got 0'],
        [() => compareRuns(manager, ['r1', 'r2', 'r1']), 'runIds', 'names run "r1" twice'],
        [() => compareRuns(manager, ['r1', '']), 'runIds[1]', 'must not be empty'],
        [() => compareRuns(manager, 'r1' as never), 'runIds', '(got "r1")'],
        [
          () => compareRuns(manager, ['r1', 'r2'], { baseline: 'r3' }),
          'baseline',
          'must be one of the compared runs ("r1", "r2"), got "r3"',
        ],
        [
          () => compareRuns(manager, ['r1', 'r2'], { baseLine: 'r1' } as never),
          'baseLine',
          'did you mean baseline?',
        ],
      ];
      for (const [attempt, name, text] of cases) {
        const error = await attempt().catch((e: unknown) => e);
        expect(error, name).toBeInstanceOf(ValidationError);
        expect(error).toMatchObject({ field: name, message: expect.stringContaining(text) });
      }
      const missing = await compareRuns(manager, ['r1', 'gone', 'r2']).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(RunNotFoundError);
      expect(missing).toMatchObject({ runId: 'gone', archive: null });
      await manager.close();
    },
  'mechanismCoverage counts template × mechanism in one statement, as a count over the runs written':
    async ({ fresh, open }) => {
      const { adapter, manager } = await fresh();
      const statuses = ['completed', 'failed', 'running'] as const;
      const modes = ['forward', 'portal', 'directorial'] as const;
      const written: Written[] = Array.from({ length: 14 }, (_, i) => ({
        ...RUNS[0]!,
        runId: `c${i}`,
        templateId: ['alpha', 'beta', 'gamma', 'quiet'][i % 4]!,
        causalMode: modes[i % 3]!,
        status: statuses[i % 3]!,
        // `quiet` runs record no mechanism; the others a few, some twice.
        mechanisms:
          i % 4 === 3
            ? []
            : ['M1', 'M2', 'M10', 'M17'].slice(0, 2 + (i % 4)).concat(i % 2 ? ['M2'] : []),
      }));
      await write(manager, written);
      await manager.close();
      const counting = countingAdapter(adapter);
      const reader = await open(counting, { readOnly: true });

      /** The coverage of the runs `keep` selects, counted here from what was written. */
      const expected = (keep: (run: Written) => boolean) => {
        const runs = written.filter(keep);
        const templates = new Map<string, number>();
        const cells = new Map<string, { runs: number; events: number }>();
        for (const run of runs) {
          templates.set(run.templateId, (templates.get(run.templateId) ?? 0) + 1);
          for (const mechanism of new Set(run.mechanisms)) {
            const key = `${run.templateId}|${mechanism}`;
            const cell = cells.get(key) ?? { runs: 0, events: 0 };
            cell.runs += 1;
            cell.events += run.mechanisms.filter((m) => m === mechanism).length;
            cells.set(key, cell);
          }
        }
        return {
          templates: Object.fromEntries(templates),
          cells: Object.fromEntries(cells),
        };
      };
      const asMaps = (result: Awaited<ReturnType<typeof mechanismCoverage>>) => ({
        templates: Object.fromEntries(result.templates.map((t) => [t.templateId, t.runs])),
        cells: Object.fromEntries(
          result.cells.map((c) => [
            `${c.templateId}|${c.mechanism}`,
            { runs: c.runs, events: c.events },
          ]),
        ),
      });

      counting.reset();
      const all = await mechanismCoverage(reader);
      expect(counting.queries).toBe(1);
      expect(asMaps(all)).toEqual(expected(() => true));
      expect(all.mechanisms).toEqual(['M1', 'M2', 'M10', 'M17']);
      // Most runs first, ties by id.
      expect(all.templates.map((t) => t.templateId)).toEqual(['alpha', 'beta', 'gamma', 'quiet']);
      expect(all.cells.map((c) => `${c.templateId}|${c.mechanism}`)).toEqual(
        Object.keys(expected(() => true).cells).sort((a, b) => {
          const order = (key: string) => {
            const [template, mechanism] = key.split('|') as [string, string];
            return (
              ['alpha', 'beta', 'gamma', 'quiet'].indexOf(template) * 100 +
              Number(mechanism.slice(1))
            );
          };
          return order(a) - order(b);
        }),
      );

      const filtered = await mechanismCoverage(reader, {
        status: 'completed',
        where: "causal_mode in ('forward', 'portal')",
      });
      expect(asMaps(filtered)).toEqual(
        expected((run) => run.status === 'completed' && run.causalMode !== 'directorial'),
      );
      const one = await mechanismCoverage(reader, {
        templateId: 'beta',
        since: '2025-05-03T00:00:00',
      });
      expect(asMaps(one)).toEqual(
        expected((run) => run.templateId === 'beta' && Number(run.runId.slice(1)) % 9 >= 2),
      );
      expect(await mechanismCoverage(reader, { templateId: 'nothing' })).toEqual({
        templates: [],
        mechanisms: [],
        cells: [],
      });
      await expect(mechanismCoverage(reader, { where: 'bogus = 1' })).rejects.toMatchObject({
        field: 'where',
      });
      await expect(mechanismCoverage(reader, { limit: 3 } as never)).rejects.toMatchObject({
        field: 'filter.limit',
      });
      await reader.close();
    },
});
