import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FIDELITY_PLANNING_MODES,
  RESOLUTION_LEVELS,
  RUN_STATUSES,
  TEMPORAL_MODES,
  TOKEN_BUDGET_MODES,
} from './enum-values.js';
import {
  FidelityPlanningMode,
  ResolutionLevel,
  RunStatus,
  readEnum,
  resolutionRank,
  TemporalMode,
  TokenBudgetMode,
} from './enums.js';

const ENUMS = [
  ['ResolutionLevel', ResolutionLevel, RESOLUTION_LEVELS],
  ['TemporalMode', TemporalMode, TEMPORAL_MODES],
  ['FidelityPlanningMode', FidelityPlanningMode, FIDELITY_PLANNING_MODES],
  ['TokenBudgetMode', TokenBudgetMode, TOKEN_BUDGET_MODES],
  ['RunStatus', RunStatus, RUN_STATUSES],
] as const;

describe('enum values: the documented values of each enum, in order', () => {
  it('lists resolution levels from coarsest to finest', () => {
    expect(RESOLUTION_LEVELS).toEqual([
      'tensor_only',
      'scene',
      'graph',
      'dialog',
      'trained',
      'full_detail',
    ]);
  });

  it('knows every documented temporal mode plus pearl and nonlinear', () => {
    expect([...TEMPORAL_MODES].sort()).toEqual(
      ['forward', 'directorial', 'branching', 'cyclical', 'portal', 'pearl', 'nonlinear'].sort(),
    );
  });

  it('lists planning modes, budget modes and statuses', () => {
    expect([...FIDELITY_PLANNING_MODES].sort()).toEqual(['adaptive', 'hybrid', 'programmatic']);
    expect([...TOKEN_BUDGET_MODES].sort()).toEqual(
      ['adaptive', 'hard', 'max', 'orchestrator', 'soft', 'user'].sort(),
    );
    expect([...RUN_STATUSES].sort()).toEqual(['completed', 'failed', 'running']);
  });
});

describe.each(ENUMS)('%s', (_name, schema, values) => {
  it('accepts every value as is', () => {
    for (const value of values) expect(schema.parse(value)).toBe(value);
  });

  it('accepts the upper-case names and normalises them to the value', () => {
    for (const value of values) expect(schema.parse(value.toUpperCase())).toBe(value);
  });

  it('rejects unknown strings and non-strings', () => {
    expect(schema.safeParse('definitely_not_a_value').success).toBe(false);
    expect(schema.safeParse('').success).toBe(false);
    expect(schema.safeParse(1).success).toBe(false);
    expect(schema.safeParse(null).success).toBe(false);
  });

  it('property: the value in any case is accepted and stored lowercase, as reads fold it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...values),
        fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
        (value, upper) => {
          const mixed = [...value].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch)).join('');
          const result = schema.safeParse(mixed);
          expect(result.success).toBe(true);
          if (result.success) expect(result.data).toBe(value);
        },
      ),
    );
  });

  it('property: any other text is refused, whatever its case (writes are strict)', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        fc.pre(!(values as readonly string[]).includes(text.toLowerCase()));
        expect(schema.safeParse(text).success).toBe(false);
      }),
    );
  });
});

describe('readEnum', () => {
  it('folds known values and keeps unknown ones untouched', () => {
    expect(readEnum('resolution', 'DIALOG')).toEqual({ value: 'dialog', known: true });
    expect(readEnum('temporalMode', 'pearl')).toEqual({ value: 'pearl', known: true });
    expect(readEnum('temporalMode', 'Quantum Leap')).toEqual({
      value: 'Quantum Leap',
      known: false,
    });
    expect(readEnum('status', 'paused')).toEqual({ value: 'paused', known: false });
  });
});

describe('resolutionRank', () => {
  it('orders levels coarsest to finest, case-insensitively, unknown last', () => {
    expect(RESOLUTION_LEVELS.map(resolutionRank)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(resolutionRank('FULL_DETAIL')).toBe(5);
    expect(resolutionRank('mystery')).toBe(RESOLUTION_LEVELS.length);
  });
});
