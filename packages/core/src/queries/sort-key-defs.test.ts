import { describe, expect, it } from 'vitest';
import { CANONICAL_RUN_COLUMNS } from '../columns/registry.js';
import { SORT_KEYS } from './sort-key-defs.js';

describe('SORT_KEYS', () => {
  // The declarations name columns by their SQL names (to stay free of zod). Each
  // key is bound here to the registry field it means, so a key naming the wrong
  // (but real) column fails, as it would have failed to compile before.
  it('sorts each key by the registry column it means', () => {
    const C = CANONICAL_RUN_COLUMNS;
    const meant: Record<keyof typeof SORT_KEYS, string> = {
      // The derived times (created_at, else started_at; updated_at, else completed_at).
      created: 'created',
      updated: 'updated',
      run_id: C.runId.name,
      template: C.templateId.name,
      mode: C.causalMode.name,
      status: C.status.name,
      cost: C.costUsd.name,
      tokens: C.tokensUsed.name,
      llm_calls: C.llmCalls.name,
      entities: C.entitiesCreated.name,
      timepoints: C.timepointsCreated.name,
      training_examples: C.trainingExamples.name,
      actual_tokens: C.actualTokensUsed.name,
      compliance: C.tokenBudgetCompliance.name,
      efficiency: C.fidelityEfficiencyScore.name,
    };
    expect(Object.fromEntries(Object.entries(SORT_KEYS).map(([k, d]) => [k, d.column]))).toEqual(
      meant,
    );
  });
});
