import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import {
  DEFAULT_RESOLUTION,
  type EntityLevel,
  fidelityDistribution,
  fidelityEfficiencyScore,
  isOverBudget,
  sortedDistribution,
  tokenBudgetCompliance,
} from './fidelity.js';

const LEVELS = ['tensor_only', 'scene', 'graph', 'dialog', 'trained', 'full_detail'];

/** Run `fn` and return the ValidationError it throws (fails the test otherwise). */
function validationErrorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

describe('fidelityDistribution', () => {
  it('returns an empty object for no assignments', () => {
    expect(fidelityDistribution([])).toEqual({});
  });

  it('counts entities per level', () => {
    const result = fidelityDistribution([
      { entityId: 'a', resolution: 'dialog' },
      { entityId: 'b', resolution: 'dialog' },
      { entityId: 'c', resolution: 'scene' },
      { entityId: 'd', resolution: 'tensor_only' },
    ]);
    expect(result).toEqual({ dialog: 2, scene: 1, tensor_only: 1 });
  });

  it('folds upper-case levels to lowercase keys', () => {
    const result = fidelityDistribution([
      { entityId: 'a', resolution: 'DIALOG' },
      { entityId: 'b', resolution: 'dialog' },
      { entityId: 'c', resolution: 'TENSOR_ONLY' },
    ]);
    expect(result).toEqual({ dialog: 2, tensor_only: 1 });
    expect(Object.keys(result).every((k) => k === k.toLowerCase())).toBe(true);
  });

  it('counts an entity without a level as scene', () => {
    expect(DEFAULT_RESOLUTION).toBe('scene');
    const result = fidelityDistribution([
      { entityId: 'a' },
      { entityId: 'b', resolution: null },
      { entityId: 'c', resolution: undefined },
      { entityId: 'd', resolution: 'graph' },
    ]);
    expect(result).toEqual({ scene: 3, graph: 1 });
  });

  it('uses the latest assignment of each entity by timestamp, whatever the list order', () => {
    const result = fidelityDistribution([
      { entityId: 'a', resolution: 'trained', timestamp: '2025-01-03T00:00:00' },
      { entityId: 'a', resolution: 'scene', timestamp: '2025-01-01T00:00:00' },
      { entityId: 'a', resolution: 'graph', timestamp: '2025-01-02T00:00:00' },
    ]);
    expect(result).toEqual({ trained: 1 });
  });

  it('compares assignment times as times, whatever their spelling or zone', () => {
    // 12:30 UTC (a space) is later than 09:00 UTC written with a T; 14:00+02:00 is 12:00 UTC.
    expect(
      fidelityDistribution([
        { entityId: 'a', resolution: 'dialog', timestamp: '2025-11-01 12:30:00' },
        { entityId: 'a', resolution: 'scene', timestamp: '2025-11-01T14:00:00+02:00' },
        { entityId: 'a', resolution: 'graph', timestamp: '2025-11-01T09:00:00' },
      ]),
    ).toEqual({ dialog: 1 });
  });

  it('breaks timestamp ties by the highest id', () => {
    const ts = '2025-10-29T12:33:54.753120';
    const result = fidelityDistribution([
      { entityId: 'a', resolution: 'dialog', timestamp: ts, id: 7 },
      { entityId: 'a', resolution: 'scene', timestamp: ts, id: 3 },
    ]);
    expect(result).toEqual({ dialog: 1 });
  });

  it('breaks timestamp and id ties by the last element of the list', () => {
    const ts = '2025-10-29T12:33:54';
    expect(
      fidelityDistribution([
        { entityId: 'a', resolution: 'scene', timestamp: ts, id: 1 },
        { entityId: 'a', resolution: 'graph', timestamp: ts, id: 1 },
      ]),
    ).toEqual({ graph: 1 });
    expect(
      fidelityDistribution([
        { entityId: 'a', resolution: 'graph' },
        { entityId: 'a', resolution: 'scene' },
      ]),
    ).toEqual({ scene: 1 });
  });

  it('accepts any iterable', () => {
    function* gen(): Generator<EntityLevel> {
      yield { entityId: 'x', resolution: 'full_detail' };
      yield { entityId: 'y', resolution: 'full_detail' };
    }
    expect(fidelityDistribution(gen())).toEqual({ full_detail: 2 });
  });

  it('property: counts sum to the number of distinct entities', () => {
    const assignment = fc.record({
      entityId: fc.constantFrom('e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7'),
      resolution: fc.option(fc.constantFrom(...LEVELS, 'DIALOG', 'SCENE'), { nil: undefined }),
      timestamp: fc.option(fc.constantFrom('2025-01-01', '2025-01-02', '2025-01-03'), {
        nil: undefined,
      }),
      id: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(assignment, { maxLength: 40 }), (list) => {
        const counts = Object.values(fidelityDistribution(list));
        const total = counts.reduce((sum, n) => sum + n, 0);
        expect(total).toBe(new Set(list.map((a) => a.entityId)).size);
        expect(counts.every((n) => Number.isInteger(n) && n > 0)).toBe(true);
      }),
    );
  });

  it('property: independent of input order when timestamps/ids are distinct', () => {
    const input = fc
      .uniqueArray(fc.integer({ min: 1, max: 10_000 }), { maxLength: 30 })
      .chain((ids) =>
        fc.tuple(
          fc.tuple(
            ...ids.map((id) =>
              fc.record({
                entityId: fc.constantFrom('a', 'b', 'c', 'd'),
                resolution: fc.option(fc.constantFrom(...LEVELS), { nil: null }),
                timestamp: fc.constantFrom('2025-01-01', '2025-06-01', '2025-12-01'),
                id: fc.constant(id),
              }),
            ),
          ),
          fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
            minLength: ids.length,
            maxLength: ids.length,
          }),
        ),
      );
    fc.assert(
      fc.property(input, ([list, keys]) => {
        const shuffled = list
          .map((a, i) => ({ a, k: keys[i] ?? 0 }))
          .sort((x, y) => x.k - y.k)
          .map((x) => x.a);
        const reversed = [...list].reverse();
        const expected = fidelityDistribution(list);
        expect(fidelityDistribution(shuffled)).toEqual(expected);
        expect(fidelityDistribution(reversed)).toEqual(expected);
      }),
    );
  });
});

describe('tokenBudgetCompliance', () => {
  it('divides actual tokens by the budget', () => {
    expect(tokenBudgetCompliance(8730, 10_000)).toBeCloseTo(0.873, 12);
    expect(tokenBudgetCompliance(0, 10_000)).toBe(0);
    expect(tokenBudgetCompliance(265_600, 10_000)).toBeCloseTo(26.56, 12);
  });

  it('returns null when there is no budget', () => {
    expect(tokenBudgetCompliance(500, null)).toBeNull();
    expect(tokenBudgetCompliance(500, undefined)).toBeNull();
  });

  it('returns null when the budget is 0 or negative', () => {
    expect(tokenBudgetCompliance(500, 0)).toBeNull();
    expect(tokenBudgetCompliance(500, -0)).toBeNull();
    expect(tokenBudgetCompliance(500, -1)).toBeNull();
    expect(tokenBudgetCompliance(0, -1000)).toBeNull();
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, -0.5])(
    'rejects actualTokens = %s with a ValidationError naming the argument',
    (bad) => {
      const error = validationErrorOf(() => tokenBudgetCompliance(bad, 1000));
      expect(error.field).toBe('actualTokens');
      expect(error.code).toBe('RUNMETA_VALIDATION');
      expect(error.message).toContain('actualTokens');
    },
  );

  it('rejects a NaN budget with a ValidationError naming tokenBudget', () => {
    const error = validationErrorOf(() => tokenBudgetCompliance(100, Number.NaN));
    expect(error.field).toBe('tokenBudget');
  });

  // Metric inputs must be finite: non-finite numbers (NaN, ±Infinity) are rejected.
  it.each([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'rejects a non-finite budget (%s) with a ValidationError naming tokenBudget',
    (bad) => {
      const error = validationErrorOf(() => tokenBudgetCompliance(100, bad));
      expect(error.field).toBe('tokenBudget');
    },
  );

  it('rejects a budget so small that the ratio is not a finite number', () => {
    const error = validationErrorOf(() => tokenBudgetCompliance(1e300, 1e-300));
    expect(error.field).toBe('tokenBudget');
    expect(error.message).toContain('1e-300');
  });

  it('property: compliance * budget ≈ actual for positive budgets', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e12, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e12, noNaN: true }),
        (actual, budget) => {
          const compliance = tokenBudgetCompliance(actual, budget);
          expect(compliance).not.toBeNull();
          const back = (compliance as number) * budget;
          expect(Math.abs(back - actual)).toBeLessThanOrEqual(Math.max(1e-9, actual * 1e-12));
          expect(isOverBudget(compliance)).toBe(actual > budget);
        },
      ),
    );
  });

  it('property: null for every non-positive finite budget', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e9 }),
        fc.double({ min: -1e12, max: 0, noNaN: true }),
        (actual, budget) => {
          expect(tokenBudgetCompliance(actual, budget)).toBeNull();
        },
      ),
    );
  });
});

describe('fidelityEfficiencyScore', () => {
  it('is (entities + timepoints) / tokens', () => {
    expect(fidelityEfficiencyScore(5, 3, 1000)).toBeCloseTo(0.008, 15);
    expect(fidelityEfficiencyScore(0, 0, 1000)).toBe(0);
  });

  it('rejects token counts so small that the score is not a finite number', () => {
    const error = validationErrorOf(() => fidelityEfficiencyScore(3, 2, 1e-320));
    expect(error.field).toBe('actualTokens');
    expect(error.message).toContain('1e-320');
    expect(
      validationErrorOf(() => fidelityEfficiencyScore(Number.MAX_VALUE, Number.MAX_VALUE, 1)).field,
    ).toBe('entitiesCreated');
  });

  it('is null when tokens are 0', () => {
    expect(fidelityEfficiencyScore(5, 3, 0)).toBeNull();
    expect(fidelityEfficiencyScore(0, 0, 0)).toBeNull();
  });

  const nan = Number.NaN;
  const inf = Number.POSITIVE_INFINITY;
  it.each([
    ['entitiesCreated', 'NaN', [nan, 1, 1]],
    ['entitiesCreated', '-1', [-1, 1, 1]],
    ['entitiesCreated', 'Infinity', [inf, 1, 1]],
    ['timepointsCreated', 'NaN', [1, nan, 1]],
    ['timepointsCreated', '-3', [1, -3, 1]],
    ['timepointsCreated', '-Infinity', [1, -inf, 1]],
    ['actualTokens', 'NaN', [1, 1, nan]],
    ['actualTokens', '-10', [1, 1, -10]],
    ['actualTokens', 'Infinity', [1, 1, inf]],
  ] as const)('rejects %s = %s', (field, _label, [e, t, tokens]) => {
    const error = validationErrorOf(() => fidelityEfficiencyScore(e, t, tokens));
    expect(error.field).toBe(field);
  });

  it('property: null iff tokens are 0', () => {
    fc.assert(
      fc.property(
        fc.nat(1e6),
        fc.nat(1e6),
        fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1e9 })),
        (entities, timepoints, tokens) => {
          const score = fidelityEfficiencyScore(entities, timepoints, tokens);
          expect(score === null).toBe(tokens === 0);
          if (score !== null) expect(score).toBeCloseTo((entities + timepoints) / tokens, 12);
        },
      ),
    );
  });
});

describe('sortedDistribution', () => {
  const all = { scene: 3, full_detail: 1, tensor_only: 1, trained: 2, dialog: 2, graph: 4 };

  it('sorts coarsest first by default', () => {
    expect(sortedDistribution(all).map(([level]) => level)).toEqual(LEVELS);
  });

  it('sorts finest first on request and keeps the counts', () => {
    const entries = sortedDistribution(all, 'finest-first');
    expect(entries.map(([level]) => level)).toEqual([...LEVELS].reverse());
    expect(Object.fromEntries(entries)).toEqual(all);
  });

  it('orders upper-case keys by level too', () => {
    const entries = sortedDistribution({ TENSOR_ONLY: 1, DIALOG: 2, SCENE: 3 }, 'finest-first');
    expect(entries).toEqual([
      ['DIALOG', 2],
      ['SCENE', 3],
      ['TENSOR_ONLY', 1],
    ]);
  });

  it('puts unknown levels last, by name, in both directions', () => {
    const dist = { zeta: 1, scene: 1, alpha: 1, trained: 1 };
    expect(sortedDistribution(dist).map(([l]) => l)).toEqual(['scene', 'trained', 'alpha', 'zeta']);
    expect(sortedDistribution(dist, 'finest-first').map(([l]) => l)).toEqual([
      'trained',
      'scene',
      'alpha',
      'zeta',
    ]);
  });

  it('returns an empty list for an empty distribution', () => {
    expect(sortedDistribution({})).toEqual([]);
  });
});

describe('isOverBudget', () => {
  it('is true only above 1.0', () => {
    expect(isOverBudget(1.0001)).toBe(true);
    expect(isOverBudget(26.56)).toBe(true);
    expect(isOverBudget(1)).toBe(false);
    expect(isOverBudget(0.873)).toBe(false);
    expect(isOverBudget(0)).toBe(false);
  });

  it('is false without a compliance value', () => {
    expect(isOverBudget(null)).toBe(false);
    expect(isOverBudget(undefined)).toBe(false);
    expect(isOverBudget(Number.NaN)).toBe(false);
  });
});
