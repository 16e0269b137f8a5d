/**
 * Fuzz of the SDK's write API on a real better-sqlite3 file: seeded
 * fast-check calls of every write (and the reads that take a run id) with
 * values that are right, nearly right and wrong — lone surrogates, NaN, -0,
 * subnormals, huge numbers, junk of every type, unknown keys. Every failure
 * must be a typed runmeta error with a known code, and leave the file as it was
 * (SQLite's `data_version`, read by a plain connection, does not move); every
 * accepted value must read back equal — through the SDK and, for text, through
 * a plain better-sqlite3 query — and every number stored must be finite.
 *
 * `RUNMETA_FUZZ_SEED` and `RUNMETA_FUZZ_RUNS` explore further locally.
 */
import path from 'node:path';
import {
  ERROR_CODES,
  MetadataManager,
  type RunMetadata,
  RunmetaError,
  ValidationError,
} from '@runmeta/core';
import BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeSqliteAdapter } from '../src/index.js';
import { type Call, call, type Target, wellFormed } from './fuzz/write-calls.js';
import { makeTempDir, removeDir } from './process-helpers.js';

const SEED = Number(process.env.RUNMETA_FUZZ_SEED ?? 20_261_313);
const RUNS = Number(process.env.RUNMETA_FUZZ_RUNS ?? 5_000);

let dir: string;
let manager: MetadataManager;
let plain: BetterSqlite3.Database;
beforeAll(async () => {
  dir = makeTempDir('fuzz-writes');
  manager = await MetadataManager.open({ adapter: createNodeSqliteAdapter({ directory: dir }) });
  plain = new BetterSqlite3(path.join(dir, 'runs.db'), { readonly: true });
});
afterAll(async () => {
  plain?.close();
  await manager?.close();
  removeDir(dir);
});

// ------------------------------------------------------------------ oracle

/** Runs started in this fuzz, and the strategy budget each was given. */
const started: { runId: string; budget: number | null }[] = [];
const stats = { calls: 0, accepted: 0, refused: {} as Record<string, number> };

/** -0 and +0 are the same number once stored: compare numbers with `===`. */
function plainNumbers(value: unknown): unknown {
  if (typeof value === 'number') return value === 0 ? 0 : value;
  if (Array.isArray(value)) return value.map(plainNumbers);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainNumbers(v)]));
  }
  return value;
}
const same = (actual: unknown, expected: unknown, what: string) =>
  expect(plainNumbers(actual), what).toEqual(plainNumbers(expected));

/** Every number of a run read back is finite (computed metrics included). */
function finiteNumbers(value: unknown, where = 'run'): void {
  if (typeof value === 'number') expect(Number.isFinite(value), `${where} = ${value}`).toBe(true);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) finiteNumbers(v, `${where}.${k}`);
  }
}

function runIdOf(t: Target): unknown {
  if ('existing' in t) return started.length ? started[t.existing % started.length]!.runId : 'none';
  return t.id;
}

const dataVersion = () => Number(plain.pragma('data_version', { simple: true }));
/** A row as stored, read with plain better-sqlite3 (text exactly as its bytes decode). */
const storedRun = (runId: string) =>
  plain.prepare('SELECT run_id, template_id, goal FROM runs WHERE run_id = ?').get(runId) as
    | Record<string, unknown>
    | undefined;

/** Strategy fields holding an enumeration value (stored lower-case). */
const ENUM_KEYS = ['mode', 'planningMode', 'budgetMode', 'minResolution', 'maxResolution'];
const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);

async function checkStart(input: Record<string, unknown>, run: RunMetadata): Promise<void> {
  if (input.runId !== undefined) expect(run.runId).toBe(input.runId);
  expect(wellFormed(run.runId)).toBe(true);
  same(await manager.getRun(run.runId), run, 'getRun after startRun');
  expect(storedRun(run.runId)).toEqual({
    run_id: run.runId,
    template_id: input.templateId,
    goal: input.goal ?? null,
  });
  expect(run.causalMode).toBe(lower(input.causalMode));
  for (const field of [
    'originDescription',
    'portalDescription',
    'portalYear',
    'backwardSteps',
  ] as const) {
    same(run[field], input[field] ?? null, field);
  }
  if (input.createdAt !== undefined) expect(run.createdAt).toBe(input.createdAt);
  const given = (input.fidelityStrategy ?? undefined) as Record<string, unknown> | undefined;
  const expected: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given ?? {})) {
    if (value === undefined) continue;
    expected[key] =
      key === 'fidelitySchedule'
        ? (value as string[]).map((v) => v.toLowerCase())
        : ENUM_KEYS.includes(key)
          ? lower(value)
          : value;
  }
  const budget = input.tokenBudget ?? null;
  if (budget !== null) expected.tokenBudget = budget;
  same(run.fidelityStrategy, given || budget !== null ? expected : null, 'fidelityStrategy');
  started.push({ runId: run.runId, budget: (expected.tokenBudget as number | undefined) ?? null });
}

async function checkBatch(
  runId: string,
  batch: Record<string, unknown[]>,
  before: Record<string, number>,
) {
  const mechanisms = (await manager.getMechanisms(runId)).slice(before.mechanisms);
  same(
    mechanisms.map((m) => [m.mechanism, m.functionName, m.context]),
    (batch.mechanisms ?? []).map((m) => {
      const item = m as Record<string, unknown>;
      return [String(item.mechanism).toUpperCase(), item.functionName, item.context ?? null];
    }),
    'mechanisms',
  );
  const resolutions = (await manager.getResolutions(runId)).slice(before.resolutions);
  same(
    resolutions.map((r) => [r.entityId, r.resolution, r.timepointId]),
    (batch.resolutions ?? []).map((r) => {
      const item = r as Record<string, unknown>;
      return [item.entityId, lower(item.resolution), item.timepointId];
    }),
    'resolutions',
  );
  const validations = (await manager.getValidations(runId)).slice(before.validations);
  same(
    validations.map((v) => [v.validatorName, v.passed, v.message, v.violations]),
    (batch.validations ?? []).map((v) => {
      const item = v as Record<string, unknown>;
      return [item.validatorName, item.passed, item.message ?? null, item.violations ?? []];
    }),
    'validations',
  );
}

function checkComplete(
  input: Record<string, unknown>,
  budgetAtStart: number | null,
  run: RunMetadata,
) {
  const n = (key: string) => input[key] as number;
  expect(run.status).toBe(input.errorMessage ? 'failed' : 'completed');
  for (const key of ['entitiesCreated', 'timepointsCreated', 'costUsd', 'tokensUsed'] as const) {
    same(run[key], input[key], key);
  }
  const actual = (input.actualTokensUsed as number | undefined) ?? n('tokensUsed');
  same(run.actualTokensUsed, actual, 'actualTokensUsed');
  const budget = (input.tokenBudget as number | undefined) ?? budgetAtStart;
  const compliance =
    (input.tokenBudgetCompliance as number | undefined) ??
    (budget !== null && budget > 0 ? actual / budget : null);
  same(run.tokenBudgetCompliance, compliance, 'tokenBudgetCompliance (actual / budget)');
  const efficiency = actual === 0 ? null : (n('entitiesCreated') + n('timepointsCreated')) / actual;
  same(
    run.fidelityEfficiencyScore,
    efficiency,
    'fidelityEfficiencyScore ((entities + timepoints) / tokens)',
  );
  finiteNumbers(run);
}

async function perform(c: Call): Promise<void> {
  stats.calls++;
  const version = dataVersion();
  let writes = c.op !== 'read';
  try {
    switch (c.op) {
      case 'start': {
        const run = await manager.startRun(c.input as never);
        await checkStart(c.input as Record<string, unknown>, run);
        break;
      }
      case 'batch': {
        const runId = runIdOf(c.target);
        const before =
          typeof runId === 'string' && started.some((s) => s.runId === runId)
            ? {
                mechanisms: (await manager.getMechanisms(runId)).length,
                resolutions: (await manager.getResolutions(runId)).length,
                validations: (await manager.getValidations(runId)).length,
              }
            : null;
        await manager.recordBatch(runId as string, c.batch as never);
        await checkBatch(runId as string, c.batch as Record<string, unknown[]>, before!);
        break;
      }
      case 'complete': {
        const runId = runIdOf(c.target);
        const run = await manager.completeRun(runId as string, c.input as never);
        const budget = started.find((s) => s.runId === runId)?.budget ?? null;
        checkComplete(c.input as Record<string, unknown>, budget, run);
        break;
      }
      case 'summary': {
        const run = await manager.updateSummary(runIdOf(c.target) as string, c.summary as never);
        expect(run.summary).toBe(c.summary);
        break;
      }
      case 'save': {
        const run = await manager.saveMetadata(c.run as never);
        const given = c.run as Record<string, unknown>;
        same(await manager.getRun(run.runId), run, 'getRun after saveMetadata');
        expect(storedRun(run.runId)).toMatchObject({ run_id: given.runId });
        for (const [key, value] of Object.entries(given)) {
          const expected = key === 'status' || key === 'causalMode' ? lower(value) : value;
          same(run[key as keyof RunMetadata], expected ?? null, `saveMetadata ${key}`);
        }
        finiteNumbers(run);
        started.push({ runId: run.runId, budget: null });
        break;
      }
      case 'query': {
        writes = false;
        const rows = await manager.query(c.sql as never, c.params as never);
        expect(Array.isArray(rows)).toBe(true);
        break;
      }
      case 'list': {
        writes = false;
        const runs = await manager.getAllRuns(c.filter as never);
        finiteNumbers(runs, 'getAllRuns');
        break;
      }
      case 'read': {
        writes = false;
        const result = await (manager[c.method] as (id: unknown) => Promise<unknown>)(
          runIdOf(c.target),
        );
        finiteNumbers(result, c.method);
        break;
      }
    }
    stats.accepted++;
  } catch (error) {
    if (!(error instanceof RunmetaError)) throw error;
    expect(Object.keys(ERROR_CODES)).toContain(error.code);
    // A value, never the storage: refused as a value, or for the run it names.
    expect(['RUNMETA_VALIDATION', 'RUNMETA_RUN_NOT_FOUND', 'RUNMETA_RUN_FINISHED']).toContain(
      error.code,
    );
    expect(error.problem.length).toBeGreaterThan(0);
    if (error instanceof ValidationError) expect(error.field.length).toBeGreaterThan(0);
    stats.refused[error.code] = (stats.refused[error.code] ?? 0) + 1;
    // A refused write wrote nothing (the engine's own count of commits).
    if (writes) expect(dataVersion()).toBe(version);
  }
}

describe('fuzz: the write API', () => {
  it(`types every failure and reads back every accepted value (${RUNS} seeded calls)`, async () => {
    await fc.assert(
      fc.asyncProperty(call, (c) => perform(c)),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    // The fuzz reached both sides: values accepted and values refused.
    expect(stats.calls).toBeGreaterThanOrEqual(RUNS);
    expect(stats.accepted).toBeGreaterThan(RUNS / 10);
    expect(stats.refused.RUNMETA_VALIDATION ?? 0).toBeGreaterThan(RUNS / 10);
    console.info(`fuzz-writes: ${JSON.stringify(stats)}`);
  }, 120_000);
});
