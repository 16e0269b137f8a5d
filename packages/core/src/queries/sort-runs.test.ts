import { describe, expect, it } from 'vitest';
import type { RunMetadata } from '../columns/run-record.js';
import type { RunFilter } from '../schema/run-metadata.js';
import { listRuns, RUN_SORTS, sortRuns } from './sort-runs.js';

const run = (runId: string, fields: Partial<RunMetadata> = {}) =>
  ({ runId, ...fields }) as RunMetadata;

const A = run('a', { costUsd: 1, tokensUsed: 10, tokenBudgetCompliance: 0.5 });
const B = run('b', { costUsd: null, tokensUsed: 30, tokenBudgetCompliance: null });
const C = run('c', { costUsd: 3, tokensUsed: null, tokenBudgetCompliance: 0 });
const D = run('d', { costUsd: 1, tokensUsed: 20, tokenBudgetCompliance: 2 });
const RUNS = [A, B, C, D];
const ids = (runs: RunMetadata[]) => runs.map((r) => r.runId);

describe('sortRuns', () => {
  it('names five orders', () => {
    expect(RUN_SORTS).toEqual(['oldest', 'newest', 'cost', 'tokens', 'compliance']);
  });

  it('sorts by cost, tokens and compliance, largest first, missing values last', () => {
    expect(ids(sortRuns(RUNS, 'cost'))).toEqual(['c', 'a', 'd', 'b']);
    expect(ids(sortRuns(RUNS, 'tokens'))).toEqual(['b', 'd', 'a', 'c']);
    expect(ids(sortRuns(RUNS, 'compliance'))).toEqual(['d', 'a', 'c', 'b']);
  });

  it('keeps time orders as given, and never sorts in place', () => {
    expect(ids(sortRuns(RUNS, 'oldest'))).toEqual(['a', 'b', 'c', 'd']);
    expect(ids(sortRuns(RUNS, 'newest'))).toEqual(['a', 'b', 'c', 'd']);
    sortRuns(RUNS, 'cost');
    expect(ids(RUNS)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('listRuns', () => {
  /** A manager stand-in that records the filter it was given. */
  const manager = () => {
    const filters: RunFilter[] = [];
    return {
      filters,
      getAllRuns: async (filter: RunFilter = {}) => {
        filters.push(filter);
        return filter.limit === undefined ? RUNS : RUNS.slice(0, filter.limit);
      },
    };
  };

  it('lets the database order and limit a time order', async () => {
    const m = manager();
    expect(ids(await listRuns(m, { status: 'failed' }, { sort: 'newest', limit: 2 }))).toEqual([
      'a',
      'b',
    ]);
    expect(m.filters).toEqual([{ status: 'failed', order: 'newest-first', limit: 2 }]);
  });

  it('reads every run for other orders, then sorts and cuts', async () => {
    const m = manager();
    expect(ids(await listRuns(m, {}, { sort: 'cost', limit: 2 }))).toEqual(['c', 'a']);
    expect(m.filters).toEqual([{ order: 'oldest-first' }]);
  });

  it('returns every run without a limit', async () => {
    const m = manager();
    expect(ids(await listRuns(m, {}, { sort: 'oldest' }))).toEqual(['a', 'b', 'c', 'd']);
  });
});
