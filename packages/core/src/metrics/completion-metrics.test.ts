/**
 * `completionMetrics`: every expected value below is worked out by hand in the
 * test (counts over tokens, tokens over budget), not by calling the calculators.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import type { StoredStrategy } from '../schema/strategy.js';
import { type CompletionValues, completionMetrics } from './completion-metrics.js';

/** 5 entities + 3 timepoints = 8 created, for 800 tokens and $0.04. */
const RUN: CompletionValues = {
  entitiesCreated: 5,
  timepointsCreated: 3,
  tokensUsed: 800,
  costUsd: 0.04,
};

describe('completionMetrics', () => {
  it('without budget, strategy or assignments: actual = tokensUsed, efficiency 8 / 800', () => {
    expect(completionMetrics(RUN, null, [])).toEqual({
      actualTokensUsed: 800,
      tokenBudgetCompliance: null,
      fidelityEfficiencyScore: 0.01,
      fidelityDistribution: null,
      fidelityStrategy: null,
    });
  });

  it('a budget given at completion: compliance 800 / 1000', () => {
    expect(completionMetrics({ ...RUN, tokenBudget: 1000 }, null, [])).toMatchObject({
      tokenBudgetCompliance: 0.8,
      fidelityStrategy: null,
    });
  });

  it("the strategy's budget when none is given: 800 / 2000, and the strategy records the actuals", () => {
    const metrics = completionMetrics(RUN, { mode: 'forward', tokenBudget: 2000 }, []);
    expect(metrics.tokenBudgetCompliance).toBe(0.4);
    expect(metrics.fidelityStrategy).toEqual({
      mode: 'forward',
      tokenBudget: 2000,
      actualTokensUsed: 800,
      actualCostUsd: 0.04,
      budgetComplianceRatio: 0.4,
    });
  });

  it("a given budget wins for compliance but never replaces the strategy's own", () => {
    const metrics = completionMetrics({ ...RUN, tokenBudget: 1000 }, { tokenBudget: 2000 }, []);
    expect(metrics.tokenBudgetCompliance).toBe(0.8);
    expect(metrics.fidelityStrategy).toMatchObject({
      tokenBudget: 2000,
      budgetComplianceRatio: 0.8,
    });
  });

  it('a given budget fills in a strategy that has none', () => {
    const metrics = completionMetrics({ ...RUN, tokenBudget: 1000 }, { mode: 'forward' }, []);
    expect(metrics.fidelityStrategy).toEqual({
      mode: 'forward',
      tokenBudget: 1000,
      actualTokensUsed: 800,
      actualCostUsd: 0.04,
      budgetComplianceRatio: 0.8,
    });
  });

  it('a stored budget that is not a number is no budget, and is kept as it was', () => {
    // Reads are lenient: a stored strategy keeps whatever its JSON held.
    const odd = { tokenBudget: 'lots' } as unknown as StoredStrategy;
    const metrics = completionMetrics(RUN, odd, []);
    expect(metrics.tokenBudgetCompliance).toBeNull();
    expect(metrics.fidelityStrategy).toMatchObject({ tokenBudget: 'lots' });
  });

  it('actualTokensUsed replaces tokensUsed in both ratios: 8 / 400 and 400 / 1000', () => {
    const metrics = completionMetrics(
      { ...RUN, actualTokensUsed: 400, tokenBudget: 1000 },
      null,
      [],
    );
    expect(metrics).toMatchObject({
      actualTokensUsed: 400,
      fidelityEfficiencyScore: 0.02,
      tokenBudgetCompliance: 0.4,
    });
  });

  it("the distribution counts each entity's latest level; no level counts as scene", () => {
    const metrics = completionMetrics(RUN, null, [
      { entityId: 'ceo', resolution: 'DIALOG', timestamp: '2025-01-01T00:00:00Z', id: 1 },
      { entityId: 'ceo', resolution: 'TRAINED', timestamp: '2025-01-02T00:00:00Z', id: 2 },
      { entityId: 'cfo', resolution: null },
    ]);
    // ceo: trained (the later of its two); cfo: scene.
    expect(metrics.fidelityDistribution).toEqual({ trained: 1, scene: 1 });
  });

  it('explicit metrics win over computed ones, and the strategy records the given ratio', () => {
    const metrics = completionMetrics(
      {
        ...RUN,
        tokenBudget: 1000,
        tokenBudgetCompliance: 0.5,
        fidelityEfficiencyScore: 0.3,
        fidelityDistribution: { dialog: 4 },
      },
      { tokenBudget: 1000 },
      [{ entityId: 'ceo', resolution: 'scene' }],
    );
    expect(metrics).toMatchObject({
      tokenBudgetCompliance: 0.5,
      fidelityEfficiencyScore: 0.3,
      fidelityDistribution: { dialog: 4 },
      fidelityStrategy: { budgetComplianceRatio: 0.5 },
    });
  });

  it('no tokens: no efficiency; a zero budget: no compliance', () => {
    const metrics = completionMetrics({ ...RUN, tokensUsed: 0, tokenBudget: 0 }, null, []);
    expect(metrics).toMatchObject({
      actualTokensUsed: 0,
      fidelityEfficiencyScore: null,
      tokenBudgetCompliance: null,
    });
  });

  it('a budget too small for a finite ratio is refused, naming tokenBudget', () => {
    const error = (() => {
      try {
        completionMetrics(RUN, { tokenBudget: 1e-320 }, []);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('tokenBudget');
  });
});
