/**
 * Questions over many runs answer the same on every backend: `listRuns` sorts
 * by any key either way (runs without a value last), pages with a cursor that
 * continues exactly where the page before ended, and filters times as times;
 * `countRuns` counts what the list lists; `summarizeRuns` groups and totals;
 * and with `includeArchive` the archive joins before any filter, a run in both
 * databases counted once — as its active copy, matching or not. Every expected
 * value is worked out here from the runs the case wrote.
 */
import { expect } from 'vitest';
import { StorageError } from '../../errors.js';
import { MetadataManager } from '../../manager/metadata-manager.js';
import { runActivity } from '../../queries/activity.js';
import { countRuns } from '../../queries/counts.js';
import { runHistogram } from '../../queries/histogram.js';
import { type ListRunsOptions, listRuns, streamRuns } from '../../queries/list-runs.js';
import { compileFilter, RunQueryFilterSchema } from '../../queries/run-query.js';
import { storedEnumValues } from '../../queries/stored-values.js';
import { summarizeRuns } from '../../queries/summarize.js';
import { type ConformanceContext, group } from './context.js';
import { DB, rawExec, seedDocumentedV1 } from './sql-helpers.js';

/** The runs a case writes: id, template, mode, creation time as stored, cost, compliance, outcome. */
const RUNS = [
  ['a1', 'alpha', 'forward', '2025-11-01T12:00:45', 0.5, 1.2, 'completed'],
  ['a2', 'alpha', 'portal', '2025-11-01 08:00:00', 0.25, 0.5, 'completed'],
  ['a3', 'alpha', 'forward', '2025-11-02T01:30:00+02:00', 2, 3, 'failed'],
  ['b1', 'beta', 'forward', '2025-11-03T00:00:00Z', 1, 0.9, 'completed'],
  ['b2', 'beta', 'portal', '2025-11-10T09:00:00', null, null, 'running'],
  ['b3', 'beta', 'forward', '2025-12-01T00:00:00', 0.75, 2, 'completed'],
  ['c1', 'gamma', 'portal', '2025-12-15T23:59:59', 0.5, 0.2, 'completed'],
] as const;
type Written = (typeof RUNS)[number];
const [ID, TEMPLATE, MODE, CREATED, COST, COMPLIANCE, STATUS] = [0, 1, 2, 3, 4, 5, 6] as const;

/** Token budget of every run: compliance × budget gives the tokens it used. */
const BUDGET = 1000;

async function write(manager: MetadataManager): Promise<void> {
  for (const run of RUNS) {
    await manager.saveMetadata({
      runId: run[ID],
      templateId: run[TEMPLATE],
      causalMode: run[MODE],
      status: 'running',
      createdAt: run[CREATED],
    });
    await manager.recordResolution(run[ID], {
      entityId: 'e1',
      resolution: 'dialog',
      timepointId: 't1',
    });
    if (run[STATUS] === 'running') continue;
    await manager.completeRun(run[ID], {
      entitiesCreated: 1,
      timepointsCreated: 1,
      costUsd: run[COST] ?? 0,
      tokensUsed: Math.round((run[COMPLIANCE] ?? 0) * BUDGET),
      tokenBudget: BUDGET,
      ...(run[STATUS] === 'failed' ? { errorMessage: 'broke' } : {}),
    });
  }
}

/** Every page of a list, following the cursor. */
async function allPages(manager: MetadataManager, options: ListRunsOptions): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listRuns(manager, { ...options, cursor });
    expect(page.runs.length).toBeLessThanOrEqual(options.limit ?? 100);
    ids.push(...page.runs.map((r) => r.runId));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

/** Ids ordered by a value (missing values last, in id order), as the list must order them. */
function expectedOrder(
  value: (run: Written) => number | null,
  direction: 'asc' | 'desc',
): string[] {
  const sign = direction === 'asc' ? 1 : -1;
  const byId = (a: Written, b: Written) => sign * (a[ID] < b[ID] ? -1 : 1);
  const having = RUNS.filter((r) => value(r) !== null).sort(
    (a, b) => sign * (value(a)! - value(b)!) || byId(a, b),
  );
  const missing = RUNS.filter((r) => value(r) === null).sort(byId);
  return [...having, ...missing].map((r) => r[ID]);
}

/** The creation instant of a stored time, in ms. */
const instant = (stored: string) =>
  Date.parse(
    /[Zz]|[+-]\d\d:\d\d$/.test(stored) ? stored.replace(' ', 'T') : `${stored.replace(' ', 'T')}Z`,
  );

/** A v1 database migrated with the archive strategy, then a run in both (its active copy running). */
async function withArchive(t: ConformanceContext) {
  const adapter = await t.options.createAdapter();
  await seedDocumentedV1(adapter);
  const first = await t.open(adapter);
  expect(first.migration?.strategy).toBe('archive');
  await first.close();
  // As a carry-over leaves it, but the active copy has moved on since.
  await rawExec(adapter, DB, [
    [
      `INSERT INTO "runs" ("run_id", "template_id", "created_at", "causal_mode", "status", "cost_usd", "schema_version") VALUES ('v1_run_1', 'tpl_1', '2024-01-02T10:00:00', 'portal', 'running', 9, '1.0')`,
    ],
  ]);
  const manager = await t.open(adapter);
  await write(manager);
  return { adapter, manager };
}

export const questions = group('questions over many runs answer the same on every backend', {
  'listRuns sorts by any key either way, runs without a value last, and its cursor pages add up to the list':
    async ({ fresh }) => {
      const { manager } = await fresh();
      await write(manager);
      for (const direction of ['asc', 'desc'] as const) {
        const cost = expectedOrder((r) => r[COST], direction);
        expect(await allPages(manager, { sort: `cost:${direction}`, limit: 2 })).toEqual(cost);
        const created = expectedOrder((r) => instant(r[CREATED]), direction);
        expect(await allPages(manager, { sort: `created:${direction}`, limit: 3 })).toEqual(
          created,
        );
        const streamed: string[] = [];
        for await (const run of streamRuns(manager, { sort: `compliance:${direction}` }))
          streamed.push(run.runId);
        expect(streamed).toEqual(expectedOrder((r) => r[COMPLIANCE], direction));
      }
      // Numbers sort largest first unless told; `newest` is created:desc.
      expect((await listRuns(manager, { sort: 'cost', limit: 1 })).runs[0]!.runId).toBe('a3');
      expect((await listRuns(manager, { sort: 'newest', limit: 1 })).runs[0]!.runId).toBe('c1');
      await manager.close();
    },
  'time filters compare instants (a space or a T, offsets honoured), and countRuns counts what listRuns lists':
    async ({ fresh }) => {
      const { manager } = await fresh();
      await write(manager);
      const since = '2025-11-01T00:00:00';
      const until = '2025-11-03T00:00:00+00:00';
      const expected = RUNS.filter(
        (r) => instant(r[CREATED]) >= instant(since) && instant(r[CREATED]) < Date.parse(until),
      )
        .map((r) => r[ID])
        .sort();
      const listed = (await listRuns(manager, { since, until, sort: 'run_id' })).runs;
      expect(listed.map((r) => r.runId)).toEqual(expected);
      // a3 (01:30 at +02:00) is 23:30 UTC the day before: in November's first day.
      expect(expected).toContain('a3');
      expect(await countRuns(manager, { since, until })).toBe(expected.length);
      const where = "cost_usd > 0.4 and status = 'completed'";
      const costly = RUNS.filter((r) => (r[COST] ?? 0) > 0.4 && r[STATUS] === 'completed');
      expect(await countRuns(manager, { where })).toBe(costly.length);
      expect((await listRuns(manager, { where, sort: 'run_id' })).runs.map((r) => r.runId)).toEqual(
        costly.map((r) => r[ID]).sort(),
      );
      await manager.close();
    },
  'summarizeRuns groups by template, status and month, with percentiles and fidelity totals':
    async ({ fresh }) => {
      const { manager } = await fresh();
      await write(manager);
      const byTemplate = await summarizeRuns(manager, { by: 'template' });
      for (const template of ['alpha', 'beta', 'gamma']) {
        const runs = RUNS.filter((r) => r[TEMPLATE] === template);
        const g = byTemplate.groups.find((x) => x.key === template)!;
        expect(g.runs).toBe(runs.length);
        expect(g.costUsd).toBeCloseTo(
          runs.reduce((s, r) => s + (r[COST] ?? 0), 0),
          10,
        );
        expect(g.overBudget).toBe(runs.filter((r) => (r[COMPLIANCE] ?? 0) > 1).length);
        expect(g.byStatus.completed).toBe(runs.filter((r) => r[STATUS] === 'completed').length);
        // A distribution is computed when a run completes: none for a running one.
        expect(g.fidelity).toEqual({ dialog: runs.filter((r) => r[STATUS] !== 'running').length });
        // Nearest rank over the group's sorted compliances.
        const values = runs
          .filter((r) => r[STATUS] !== 'running')
          .map((r) => r[COMPLIANCE]!)
          .sort((a, b) => a - b);
        expect(g.compliance.count).toBe(values.length);
        expect(g.compliance.median).toBeCloseTo(values[Math.ceil(values.length / 2) - 1]!, 10);
        expect(g.compliance.p90).toBeCloseTo(values[Math.ceil(values.length * 0.9) - 1]!, 10);
        expect(g.compliance.min).toBeCloseTo(values[0]!, 10);
      }
      // Largest group first, ties by key.
      expect(byTemplate.groups.map((g) => g.key)).toEqual(['alpha', 'beta', 'gamma']);
      expect(byTemplate.totals.runs).toBe(RUNS.length);
      const all = RUNS.filter((r) => r[COMPLIANCE] !== null)
        .map((r) => r[COMPLIANCE]!)
        .sort((a, b) => a - b);
      expect(byTemplate.totals.compliance.median).toBeCloseTo(
        all[Math.ceil(all.length / 2) - 1]!,
        10,
      );
      const months = await summarizeRuns(manager, { by: 'month' });
      expect(months.groups.map((g) => [g.key, g.runs])).toEqual([
        ['2025-11', 5],
        ['2025-12', 2],
      ]);
      const weeks = await summarizeRuns(manager, { by: 'week', status: 'completed' });
      // 1 November 2025 is a Saturday: its week began on Monday 27 October.
      expect(weeks.groups.map((g) => [g.key, g.runs])).toEqual([
        ['2025-10-27', 2],
        ['2025-11-03', 1],
        ['2025-12-01', 1],
        ['2025-12-15', 1],
      ]);
      const none = await summarizeRuns(manager, { by: 'none' });
      expect(none.groups).toHaveLength(1);
      expect(none.totals).toEqual(none.groups[0]);
      await manager.close();
    },
  'runActivity counts runs and cost per UTC day and status; runHistogram bins a field from a round edge':
    async ({ fresh }) => {
      const { manager } = await fresh();
      await write(manager);
      const dayOf = (r: Written) => new Date(instant(r[CREATED])).toISOString().slice(0, 10);
      const { periods } = await runActivity(manager, { by: 'day' });
      const days = [...new Set(RUNS.map(dayOf))].sort();
      expect(periods.map((p) => p.period)).toEqual(days);
      for (const p of periods) {
        const runs = RUNS.filter((r) => dayOf(r) === p.period);
        expect(p.runs).toBe(runs.length);
        expect(p.costUsd).toBeCloseTo(
          runs.reduce((s, r) => s + (r[COST] ?? 0), 0),
          10,
        );
        for (const status of ['completed', 'failed', 'running'] as const) {
          const mine = runs.filter((r) => r[STATUS] === status);
          expect(p.byStatus[status].runs).toBe(mine.length);
          expect(p.byStatus[status].costUsd).toBeCloseTo(
            mine.reduce((s, r) => s + (r[COST] ?? 0), 0),
            10,
          );
        }
      }
      // a3 (01:30 at +02:00) is 23:30 UTC on the first of November.
      expect(periods[0]).toMatchObject({ period: '2025-11-01', runs: 3 });
      const months = await runActivity(manager, { by: 'month', templateId: 'beta' });
      expect(months.periods.map((p) => [p.period, p.runs])).toEqual([
        ['2025-11', 2],
        ['2025-12', 1],
      ]);
      const histogram = await runHistogram(manager, { field: 'compliance', bins: 10 });
      const values = RUNS.flatMap((r) => (r[COMPLIANCE] === null ? [] : [r[COMPLIANCE]]));
      expect(histogram).toMatchObject({
        runs: values.length,
        min: Math.min(...values),
        max: Math.max(...values),
        width: 0.5,
      });
      // Bins of 0.5 from 0 on past the maximum (3): an edge at 1.0, each value in the bin it starts.
      expect(histogram.bins.map((b) => [b.from, b.to, b.runs])).toEqual(
        [0, 0.5, 1, 1.5, 2, 2.5, 3].map((from) => [
          from,
          from + 0.5,
          values.filter((v) => v >= from && v < from + 0.5).length,
        ]),
      );
      // Up to 1.2: bins of 0.1 end at the first edge past it; the rest are counted above.
      const clipped = await runHistogram(manager, { field: 'compliance', bins: 10, upTo: 1.2 });
      const last = clipped.bins.at(-1)!;
      expect(last.to).toBeGreaterThanOrEqual(1.2);
      expect(clipped.above).toBe(values.filter((v) => v > last.to).length);
      expect(clipped.above).toBeGreaterThan(0);
      expect(clipped.bins.reduce((n, b) => n + b.runs, 0) + clipped.above).toBe(values.length);
      for (const b of clipped.bins) {
        const inside = values.filter((v) => v >= b.from && (b === last ? v <= b.to : v < b.to));
        expect([b.from, b.runs]).toEqual([b.from, inside.length]);
      }
      expect(histogram.above).toBe(0);
      // Every value past the cut: no bin, every run above; a cut at the maximum leaves none above.
      const past = await runHistogram(manager, { field: 'compliance', upTo: -1 });
      expect([past.bins, past.above]).toEqual([[], values.length]);
      const atMax = await runHistogram(manager, { field: 'compliance', upTo: Math.max(...values) });
      expect(atMax.above).toBe(0);
      const one = await runHistogram(manager, { field: 'cost', where: "template_id = 'gamma'" });
      expect(one.bins).toEqual([{ from: 0.5, to: 0.5, runs: 1 }]);
      await manager.close();
    },
  'a call on the manager inside a streamed list is answered or refused, never left waiting':
    async ({ fresh }) => {
      const { manager } = await fresh();
      await write(manager);
      let outcome: unknown;
      for await (const run of streamRuns(manager, { sort: 'cost' })) {
        outcome = await manager.getRun(run.runId).then(
          () => 'answered',
          (error: unknown) => error,
        );
        break;
      }
      // Paging backends answer; a backend streaming one statement refuses, saying why.
      if (outcome !== 'answered') {
        expect(outcome).toBeInstanceOf(StorageError);
        expect((outcome as StorageError).hint).toContain('loop');
      }
      expect(await countRuns(manager)).toBe(RUNS.length);
      await manager.close();
    },
  'a stored day past the end of its month groups as SQLite reads it, on every backend': async (
    t,
  ) => {
    const { adapter, manager } = await t.fresh();
    await write(manager);
    await manager.close();
    await rawExec(adapter, DB, [
      [
        `INSERT INTO "runs" ("run_id", "template_id", "created_at", "status", "schema_version") VALUES ('odd', 'alpha', '2025-02-30T10:00:00', 'completed', '2.0')`,
      ],
    ]);
    const reader = await t.open(adapter, { readOnly: true });
    const weeks = await summarizeRuns(reader, {
      by: 'week',
      templateId: 'alpha',
      until: '2025-06-01',
    });
    // 30 February rolls over to 2 March 2025, a Sunday: the week of Monday 24 February.
    expect(weeks.groups.map((g) => [g.key, g.runs])).toEqual([['2025-02-24', 1]]);
    await reader.close();
  },
  'questions asked at once over the archive open it once, and all are answered': async (t) => {
    const { manager } = await withArchive(t);
    // A page asks its list and its count together: the first use of the archive by both.
    const [page, count] = await Promise.all([
      listRuns(manager, { includeArchive: true, sort: 'run_id', limit: 100 }),
      countRuns(manager, { includeArchive: true }),
    ]);
    expect(count).toBe(RUNS.length + 5);
    expect(page.runs).toHaveLength(count);
    await manager.close();
  },
  'with includeArchive the archive joins before filtering, and a run in both is its active copy':
    async (t) => {
      const { manager } = await withArchive(t);
      // Archive: v1_run_0..4, completed; v1_run_1 is also active, running, cost 9.
      const everything = await allPages(manager, {
        includeArchive: true,
        sort: 'run_id',
        limit: 4,
      });
      expect(everything).toEqual(
        [
          ...RUNS.map((r) => r[ID]),
          'v1_run_0',
          'v1_run_1',
          'v1_run_2',
          'v1_run_3',
          'v1_run_4',
        ].sort(),
      );
      expect(await countRuns(manager, { includeArchive: true })).toBe(RUNS.length + 5);
      // The archived copy of v1_run_1 is completed, the active one running: not completed.
      const completed = await listRuns(manager, {
        includeArchive: true,
        status: 'completed',
        sort: 'run_id',
      });
      const archived = completed.runs.filter((r) => r.source === 'archive').map((r) => r.runId);
      expect(archived).toEqual(['v1_run_0', 'v1_run_2', 'v1_run_3', 'v1_run_4']);
      // The most expensive run is the active copy (cost 9), listed once.
      const top = await listRuns(manager, { includeArchive: true, sort: 'cost', limit: 2 });
      expect(top.runs.map((r) => [r.runId, r.source])).toEqual([
        ['v1_run_1', 'active'],
        ['a3', 'active'],
      ]);
      const summary = await summarizeRuns(manager, { includeArchive: true, by: 'status' });
      expect(summary.totals.runs).toBe(RUNS.length + 5);
      expect(summary.groups.find((g) => g.key === 'running')!.runs).toBe(2);
      // Without the archive, only the active runs.
      expect(await countRuns(manager)).toBe(RUNS.length + 1);
      await manager.close();
    },
  'a status filter matches every stored spelling of a status, read through the index or folded':
    async ({ fresh }) => {
      const { adapter, manager } = await fresh();
      await write(manager);
      await manager.close();
      // Spellings runmeta never writes, but hand edits and older tools did.
      const stored: Record<string, string | null> = {
        a1: 'Completed ',
        a2: 'COMPLETED',
        a3: ' failed',
        b1: 'completed',
        b2: null,
        b3: 'Failed',
        c1: 'completed',
      };
      await rawExec(
        adapter,
        DB,
        Object.entries(stored).map(([id, status]) => [
          'UPDATE "runs" SET "status" = ? WHERE "run_id" = ?',
          [status, id],
        ]),
      );
      const reader = await MetadataManager.open({ adapter, readOnly: true });
      // The active table's stored values, found through its status index, with their folds.
      const folded = await storedEnumValues(await reader.runsView({}), ['status']);
      const pairs = folded.status?.map((v) => [v.stored, v.folded]);
      expect(pairs?.sort()).toEqual(
        [' failed', 'COMPLETED', 'Completed ', 'Failed', 'completed']
          .sort()
          .map((v) => [v, v.trim().toLowerCase()]),
      );
      // Worked out here from the spellings: the fold of each stored status.
      const ids = (keep: (fold: string | null) => boolean) =>
        Object.entries(stored)
          .filter(([, s]) => keep(s === null ? null : s.trim().toLowerCase()))
          .map(([id]) => id);
      const cases: [string, (fold: string | null) => boolean][] = [
        ["status = 'completed'", (f) => f === 'completed'],
        ["status != 'completed'", (f) => f !== null && f !== 'completed'],
        ["status in ('failed', 'running')", (f) => f === 'failed'],
        ["not status in ('completed')", (f) => f !== null && f !== 'completed'],
        ["status = 'running'", () => false],
        ["not status = 'running'", (f) => f !== null],
        ["status = 'failed' or status is null", (f) => f === 'failed' || f === null],
      ];
      for (const [where, keep] of cases) {
        for (const includeArchive of [false, true]) {
          // Sorted by a stored column the list keeps the fold (the sort's index
          // leads); sorted by creation it asks for the stored values.
          const byId = await allPages(reader, { where, includeArchive, sort: 'run_id' });
          expect(byId, where).toEqual(ids(keep));
          const byCreation = await allPages(reader, { where, includeArchive, sort: 'created' });
          expect(byCreation.sort(), where).toEqual(ids(keep));
          expect(await countRuns(reader, { where, includeArchive }), where).toBe(ids(keep).length);
        }
      }
      // The count above went through the status index's values, not the fold.
      const { filter } = await compileFilter(
        reader,
        { where: "status = 'failed'" },
        RunQueryFilterSchema,
        'filter',
      );
      expect(filter.conditions).toEqual(['("status" IN (?, ?))']);
      expect([...filter.params].sort()).toEqual([' failed', 'Failed']);
      expect(await countRuns(reader, { status: 'completed' })).toBe(4);
      expect(await countRuns(reader, { status: 'failed', where: 'cost_usd >= 2' })).toBe(1);
      await reader.close();
    },
});
