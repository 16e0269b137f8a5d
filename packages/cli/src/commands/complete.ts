import { lazy } from '../shared/lazy-run.js';
import { decimalNumber, wholeNumber } from '../shared/option-values.js';
import type { CommandSpec } from './types.js';

export const complete: CommandSpec = {
  name: 'complete',
  fieldFlags: {
    entitiesCreated: '--entities',
    timepointsCreated: '--timepoints',
    trainingExamples: '--training-examples',
    costUsd: '--cost',
    llmCalls: '--llm-calls',
    tokensUsed: '--tokens',
    actualTokens: '--tokens',
    tokenBudget: '--token-budget',
    errorMessage: '--error',
  },
  summary: 'Complete a run and compute its v2 metrics',
  description:
    'Store final counts, cost and tokens; compute token-budget compliance (budget from here or from start), the fidelity distribution (from recorded assignments) and the fidelity-efficiency score. --error marks the run failed.',
  printsData: true,
  arguments: [{ name: 'run_id', description: 'the run' }],
  options: [
    { flags: '--entities <n>', description: 'entities created (required)', value: wholeNumber(0) },
    {
      flags: '--timepoints <n>',
      description: 'timepoints created (required)',
      value: wholeNumber(0),
    },
    {
      flags: '--training-examples <n>',
      description: 'training examples',
      default: '0',
      value: wholeNumber(0),
    },
    { flags: '--cost <usd>', description: 'cost in USD (required)', value: decimalNumber(0) },
    { flags: '--llm-calls <n>', description: 'LLM calls', default: '0', value: wholeNumber(0) },
    { flags: '--tokens <n>', description: 'tokens used (required)', value: wholeNumber(0) },
    {
      flags: '--token-budget <n>',
      description: 'token budget (else the one given at start)',
      value: decimalNumber(0),
    },
    { flags: '--error <message>', description: 'the run failed with this message' },
  ],
  examples: [
    {
      command: 'runmeta complete "$RUN" --entities 5 --timepoints 3 --cost 0.04 --tokens 43650',
      description: 'finish a run',
    },
  ],
  run: lazy(() => import('../actions/complete.js')),
};
