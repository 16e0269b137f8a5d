import { describe, expect, it } from 'vitest';
import type { RunMetadata } from '../columns/run-record.js';
import { aggregateRuns, fidelityTotals, reportTotals, totalsPerTemplate } from './report.js';

/** A run with only the fields a report reads. */
const run = (fields: Partial<RunMetadata>) => fields as RunMetadata;

const RUNS = [
  run({
    templateId: 'board',
    causalMode: 'forward',
    status: 'completed',
    costUsd: 0.5,
    tokensUsed: 100,
    tokenBudgetCompliance: 1.5,
    fidelityDistribution: { scene: 2, dialog: 1 },
  }),
  run({
    templateId: 'board',
    causalMode: 'portal',
    status: 'failed',
    costUsd: null,
    tokensUsed: 50,
    tokenBudgetCompliance: 1,
    fidelityDistribution: { dialog: 3 },
  }),
  run({
    templateId: 'audit',
    causalMode: 'forward',
    status: 'running',
    costUsd: 2,
    tokensUsed: null,
    tokenBudgetCompliance: null,
    fidelityDistribution: null,
  }),
  run({ templateId: 'zeta', causalMode: 'forward', status: 'odd' as 'failed', costUsd: 1 }),
];

describe('aggregateRuns', () => {
  it('totals each template, most runs first, ties by key', () => {
    expect(aggregateRuns(RUNS, 'template')).toEqual([
      {
        key: 'board',
        runs: 2,
        completed: 1,
        failed: 1,
        running: 0,
        costUsd: 0.5,
        tokens: 150,
        overBudget: 1,
        fidelity: { scene: 2, dialog: 4 },
      },
      {
        key: 'audit',
        runs: 1,
        completed: 0,
        failed: 0,
        running: 1,
        costUsd: 2,
        tokens: 0,
        overBudget: 0,
        fidelity: {},
      },
      {
        key: 'zeta',
        runs: 1,
        completed: 0,
        failed: 0,
        running: 0,
        costUsd: 1,
        tokens: 0,
        overBudget: 0,
        fidelity: {},
      },
    ]);
  });

  it('groups by mode and by status; a missing key is —', () => {
    expect(aggregateRuns(RUNS, 'mode').map((g) => [g.key, g.runs])).toEqual([
      ['forward', 3],
      ['portal', 1],
    ]);
    expect(aggregateRuns([run({ costUsd: 1 })], 'status').map((g) => g.key)).toEqual(['—']);
  });

  it('has no groups without runs', () => {
    expect(aggregateRuns([], 'template')).toEqual([]);
  });
});

describe('reportTotals', () => {
  it('sums the groups', () => {
    expect(reportTotals(aggregateRuns(RUNS, 'status'))).toEqual({
      runs: 4,
      costUsd: 3.5,
      tokens: 150,
      overBudget: 1,
      fidelity: { scene: 2, dialog: 4 },
    });
    expect(reportTotals([])).toEqual({
      runs: 0,
      costUsd: 0,
      tokens: 0,
      overBudget: 0,
      fidelity: {},
    });
  });
});

describe('fidelityTotals', () => {
  it('sums the distributions, skipping runs without one', () => {
    expect(fidelityTotals(RUNS)).toEqual({ scene: 2, dialog: 4 });
    expect(Object.keys(fidelityTotals(RUNS))).toEqual(['scene', 'dialog']);
  });
});

describe('totalsPerTemplate', () => {
  it('sums a field per template, largest first', () => {
    expect(totalsPerTemplate(RUNS, 'costUsd')).toEqual([
      ['audit', 2],
      ['zeta', 1],
      ['board', 0.5],
    ]);
    expect(totalsPerTemplate(RUNS, 'tokensUsed')).toEqual([
      ['board', 150],
      ['audit', 0],
      ['zeta', 0],
    ]);
  });

  it('names runs without a template as told', () => {
    expect(totalsPerTemplate([run({ costUsd: 3 })], 'costUsd')).toEqual([['(none)', 3]]);
    expect(totalsPerTemplate([run({ costUsd: 3 })], 'costUsd', '—')).toEqual([['—', 3]]);
  });
});

describe('fidelityTotals with odd level names', () => {
  it('keeps a level named like an Object member', () => {
    const odd = JSON.parse('{"__proto__": 2, "scene": 1}') as Record<string, number>;
    const totals = fidelityTotals([run({ fidelityDistribution: odd }), run({})]);
    expect(Object.entries(totals)).toEqual([
      ['__proto__', 2],
      ['scene', 1],
    ]);
  });
});
