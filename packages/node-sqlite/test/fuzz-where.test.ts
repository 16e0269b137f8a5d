/**
 * Fuzz of the `--where` filter language through parse, compile and execution
 * on a real better-sqlite3 file, seeded:
 *
 * - token soup (columns, operators, keywords, numbers such as `-.` or `1e999`,
 *   strings with lone surrogates, stray characters): every filter either runs
 *   or is refused with a typed `ValidationError` for `where` — never a
 *   TypeError, a stack overflow or a storage error;
 * - well-formed filters from a grammar, some of them beyond `WHERE_LIMITS`
 *   (nesting, conditions, `in` values): within the limits the runs found are
 *   exactly those an independent evaluator (SQL's three-valued logic, in this
 *   file, over rows read with plain better-sqlite3) finds; beyond them the
 *   filter is refused, pointing inside it.
 *
 * `RUNMETA_FUZZ_SEED` and `RUNMETA_FUZZ_RUNS` explore further locally.
 */
import path from 'node:path';
import {
  MetadataManager,
  RunmetaError,
  ValidationError,
  WHERE_LIMITS,
  WhereSyntaxError,
} from '@runmeta/core';
import BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeSqliteAdapter } from '../src/index.js';
import { evaluate, type Row, render, size } from './fuzz/where-evaluator.js';
import {
  damaged,
  GOALS,
  LEVELS,
  large,
  soup,
  TEMPLATES,
  tree,
  useRows,
} from './fuzz/where-filters.js';
import { makeTempDir, removeDir } from './process-helpers.js';

const SEED = Number(process.env.RUNMETA_FUZZ_SEED ?? 20_261_307);
const RUNS = Number(process.env.RUNMETA_FUZZ_RUNS ?? 3_000);

let dir: string;
let manager: MetadataManager;
let rows: Row[];

beforeAll(async () => {
  dir = makeTempDir('fuzz-where');
  manager = await MetadataManager.open({ adapter: createNodeSqliteAdapter({ directory: dir }) });
  // 42 runs with every kind of value a filter meets: nulls, unicode, quotes,
  // budgets met and exceeded, distributions, running/completed/failed.
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };
  for (let i = 0; i < 42; i++) {
    const runId = `run-${i}${i % 5 === 0 ? ' é' : ''}`;
    await manager.startRun({
      runId,
      templateId: TEMPLATES[i % TEMPLATES.length]!,
      causalMode: (['forward', 'portal', 'pearl'] as const)[i % 3]!,
      goal: GOALS[i % GOALS.length],
      portalYear: i % 4 === 0 ? null : 1900 + next(200),
      tokenBudget: i % 3 === 0 ? null : 1000 * (1 + next(10)),
      createdAt: new Date(
        Date.UTC(2025, 0, 1 + i, next(24), next(60), next(60), next(1000)),
      ).toISOString(),
    });
    for (let e = 0; e < next(4); e++) {
      await manager.recordResolution(runId, {
        entityId: `e${e}`,
        resolution: LEVELS[next(LEVELS.length)] as 'scene',
        timepointId: 'tp',
      });
    }
    if (i % 7 === 6) continue; // still running
    await manager.completeRun(runId, {
      entitiesCreated: next(10),
      timepointsCreated: next(5),
      costUsd: next(500) / 100,
      tokensUsed: next(12_000),
      llmCalls: next(30),
      errorMessage: i % 6 === 5 ? `boom ${i}` : undefined,
    });
  }
  rows = new BetterSqlite3(path.join(dir, 'runs.db'), { readonly: true })
    .prepare('SELECT * FROM runs')
    .all() as Row[];
  useRows(rows);
});
afterAll(async () => {
  await manager?.close();
  removeDir(dir);
});

// ------------------------------------------------------------ the properties

const stats = { soup: 0, soupRan: 0, soupRefused: 0, grammar: 0, grammarRan: 0, overLimits: 0 };

/** A filter's refusal: a ValidationError for `where`, never anything else. */
function expectFilterError(error: unknown, where: string): void {
  if (!(error instanceof ValidationError)) throw error;
  expect(error).toBeInstanceOf(RunmetaError);
  expect(['where', 'filter.where']).toContain(error.field);
  expect(error.exitCode).toBe(2);
  if (error instanceof WhereSyntaxError) {
    expect(error.position).toBeGreaterThanOrEqual(0);
    expect(error.position).toBeLessThanOrEqual(where.length);
  }
}

describe('fuzz: the filter language on a real file', () => {
  it(`runs or refuses (typed) every token soup and damaged filter (${RUNS} seeded filters)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(soup, damaged), async (where) => {
        stats.soup++;
        try {
          const runs = await manager.getAllRuns({ where });
          const ids = new Set(rows.map((r) => r.run_id));
          for (const run of runs) expect(ids.has(run.runId)).toBe(true);
          stats.soupRan++;
        } catch (error) {
          expectFilterError(error, where);
          stats.soupRefused++;
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(stats.soupRan).toBeGreaterThan(0);
    expect(stats.soupRan).toBeGreaterThan(RUNS / 20);
    expect(stats.soupRefused).toBeGreaterThan(RUNS / 4);
  }, 120_000);

  it(`finds exactly the runs an independent evaluator finds, or refuses beyond WHERE_LIMITS (${RUNS} seeded filters)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 60, arbitrary: tree }, { weight: 1, arbitrary: large }),
        async (node) => {
          stats.grammar++;
          const where = render(node);
          const { conditions, depth, values } = size(node);
          const within =
            conditions <= WHERE_LIMITS.conditions &&
            depth <= WHERE_LIMITS.depth &&
            values <= WHERE_LIMITS.values;
          let found: string[];
          try {
            found = (await manager.getAllRuns({ where })).map((run) => run.runId);
          } catch (error) {
            expectFilterError(error, where);
            expect(
              within,
              `${where.slice(0, 200)} refused: ${(error as Error).message.slice(0, 300)}`,
            ).toBe(false);
            expect((error as Error).message).toMatch(/more than|nested/);
            stats.overLimits++;
            return;
          }
          expect(within, `${where.slice(0, 200)} accepted beyond the limits`).toBe(true);
          const expected = rows
            .filter((row) => evaluate(node, row) === true)
            .map((row) => String(row.run_id));
          expect(found.sort(), where).toEqual(expected.sort());
          stats.grammarRan++;
        },
      ),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(stats.grammarRan).toBeGreaterThan(RUNS / 2);
    expect(stats.overLimits).toBeGreaterThan(0);
    console.info(`fuzz-where: ${JSON.stringify(stats)}`);
  }, 120_000);
});
