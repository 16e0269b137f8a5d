import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import {
  FidelityTemporalStrategy,
  givenStrategy,
  STRATEGY_DEFAULTS,
  type StoredStrategy,
  strategyFromJson,
  strategyToJson,
  strategyWithDefaults,
} from './strategy.js';

// Verbatim values of runs.fidelity_strategy_json in deployed-v2-32col-110runs.db.
const REAL_JSON = [
  '{"mode": "pearl", "planning_mode": "programmatic", "budget_mode": "soft", ' +
    '"token_budget": 10000.0, "timepoint_count": 10, "fidelity_schedule": ["scene", "scene", ' +
    '"scene", "scene", "scene", "scene", "scene", "scene", "scene", "scene"], ' +
    '"temporal_steps": [12, 12, 12, 12, 12, 12, 12, 12, 12, 12], "adaptive_threshold": 0.7, ' +
    '"min_resolution": "tensor_only", "max_resolution": "trained", ' +
    '"allocation_rationale": "Default mode: balanced fidelity allocation", ' +
    '"estimated_tokens": 10000.0, "estimated_cost_usd": 0.02, "actual_tokens_used": null, ' +
    '"actual_cost_usd": null, "budget_compliance_ratio": null}',
  '{"mode": "portal", "planning_mode": "hybrid", "budget_mode": "soft", ' +
    '"token_budget": 15000.0, "timepoint_count": 5, "fidelity_schedule": ["tensor_only", ' +
    '"scene", "graph", "dialog", "dialog"], "temporal_steps": [14, 14, 14, 14, 14], ' +
    '"adaptive_threshold": 0.75, "min_resolution": "tensor_only", ' +
    '"max_resolution": "trained", "allocation_rationale": "PORTAL mode hybrid: balanced ' +
    'template with adaptive upgrades", "estimated_tokens": 26200.0, ' +
    '"estimated_cost_usd": 0.052399999999999995, "actual_tokens_used": null, ' +
    '"actual_cost_usd": null, "budget_compliance_ratio": null}',
];

describe('strategyFromJson / strategyToJson on the real fixture JSON', () => {
  it.each(REAL_JSON.map((text) => [JSON.parse(text).mode as string, text]))(
    'round-trips the %s strategy exactly',
    (_mode, text) => {
      const json = JSON.parse(text) as Record<string, unknown>;
      const sdk = strategyFromJson(json);
      const back = strategyToJson(sdk);
      expect(back).toEqual(json);
      expect(Object.keys(back)).toEqual(Object.keys(json));
      expect(JSON.stringify(back)).toBe(JSON.stringify(json));
    },
  );

  it('reads snake_case keys as camelCase fields', () => {
    const sdk = strategyFromJson(JSON.parse(REAL_JSON[1]!));
    expect(sdk).toMatchObject({
      mode: 'portal',
      planningMode: 'hybrid',
      budgetMode: 'soft',
      tokenBudget: 15000,
      timepointCount: 5,
      fidelitySchedule: ['tensor_only', 'scene', 'graph', 'dialog', 'dialog'],
      temporalSteps: [14, 14, 14, 14, 14],
      adaptiveThreshold: 0.75,
      minResolution: 'tensor_only',
      maxResolution: 'trained',
      estimatedTokens: 26200,
      estimatedCostUsd: 0.052399999999999995,
      actualTokensUsed: null,
      actualCostUsd: null,
      budgetComplianceRatio: null,
    });
    expect(Object.keys(sdk).some((k) => k.includes('_'))).toBe(false);
  });

  it.each(REAL_JSON.map((text) => [JSON.parse(text).mode as string, text]))(
    'the real %s JSON passes the strict write schema unchanged',
    (_mode, text) => {
      const json = JSON.parse(text) as Record<string, unknown>;
      const parsed = FidelityTemporalStrategy.parse(strategyFromJson(json));
      expect(strategyToJson(parsed as StoredStrategy)).toEqual(json);
    },
  );

  it('keeps unknown keys in both directions', () => {
    const json = { ...JSON.parse(REAL_JSON[0]!), future_field: { a: 1 } };
    const sdk = strategyFromJson(json);
    expect(sdk.future_field).toEqual({ a: 1 });
    expect(strategyToJson(sdk)).toEqual(json);
  });

  it('leaves undefined fields out of the JSON', () => {
    const json = strategyToJson({ mode: 'forward', tokenBudget: undefined });
    expect(json).toEqual({ mode: 'forward' });
    expect('token_budget' in json).toBe(false);
  });

  it('writes keys in the documented order whatever the object order', () => {
    const json = strategyToJson({
      maxResolution: 'trained',
      tokenBudget: 5000,
      mode: 'forward',
      planningMode: 'adaptive',
    });
    expect(Object.keys(json)).toEqual(['mode', 'planning_mode', 'token_budget', 'max_resolution']);
  });
});

describe('givenStrategy: what a new run stores', () => {
  it('keeps only the fields the caller gave', () => {
    expect(givenStrategy({ tokenBudget: 100 })).toEqual({ tokenBudget: 100 });
    expect(
      givenStrategy({ fidelityStrategy: { planningMode: 'hybrid', tokenBudget: undefined } }),
    ).toEqual({
      planningMode: 'hybrid',
    });
    expect(givenStrategy({ tokenBudget: 5, fidelityStrategy: { tokenBudget: 5 } })).toEqual({
      tokenBudget: 5,
    });
    expect(givenStrategy({ fidelityStrategy: {} })).toEqual({});
    expect(givenStrategy({})).toBeNull();
    expect(givenStrategy({ tokenBudget: null, fidelityStrategy: null })).toBeNull();
  });

  it('refuses two different budgets', () => {
    expect(() => givenStrategy({ tokenBudget: 5, fidelityStrategy: { tokenBudget: 6 } })).toThrow(
      ValidationError,
    );
  });
});

describe('strategyWithDefaults: defaults on reading, marked', () => {
  it('fills every missing documented field and lists it', () => {
    const { strategy, defaulted } = strategyWithDefaults({
      fidelityStrategy: { tokenBudget: 100 },
      causalMode: 'forward',
    });
    expect(strategy).toEqual({ tokenBudget: 100, mode: 'forward', ...STRATEGY_DEFAULTS });
    expect(defaulted.sort()).toEqual(['mode', ...Object.keys(STRATEGY_DEFAULTS)].sort());
    // The defaults are the full schema's defaults (declared once).
    expect(FidelityTemporalStrategy.parse({ mode: 'forward' })).toEqual({
      mode: 'forward',
      ...STRATEGY_DEFAULTS,
    });
  });

  it('keeps stored values, even odd or unknown ones, and adds nothing for a run without strategy fields', () => {
    const real = strategyFromJson(JSON.parse(REAL_JSON[1]!));
    const { strategy, defaulted } = strategyWithDefaults({
      fidelityStrategy: { ...real, future_field: 1 },
      causalMode: 'pearl',
    });
    expect(strategy).toEqual({ ...real, future_field: 1 });
    expect(defaulted).toEqual([]);
    const none = strategyWithDefaults({ fidelityStrategy: null, causalMode: null });
    expect(none.strategy.mode).toBeUndefined();
    expect(none.defaulted).not.toContain('mode');
  });

  it('does not share the default arrays between calls', () => {
    const a = strategyWithDefaults({});
    (a.strategy.fidelitySchedule as string[]).push('scene');
    expect(strategyWithDefaults({}).strategy.fidelitySchedule).toEqual([]);
  });
});
