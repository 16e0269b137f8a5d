import { CHECK_FAILED } from '../shared/exit-codes.js';
import { lazy } from '../shared/lazy-run.js';
import { decimalNumber } from '../shared/option-values.js';
import type { CommandSpec } from './types.js';

export const budgetCheck: CommandSpec = {
  name: 'check',
  summary: 'Exit non-zero when runs went over their token budget',
  description: `List runs whose token_budget_compliance is above --max-compliance (default 1.0 = 100% of budget). Exit codes: 0 none over budget; ${CHECK_FAILED} some runs over budget.`,
  printsData: true,
  options: [
    {
      flags: '--max-compliance <ratio>',
      description: 'highest acceptable actual/budget ratio',
      default: '1.0',
      value: decimalNumber(0),
    },
    { flags: '--include-archive', description: 'check the archive too' },
  ],
  examples: [
    {
      command: 'runmeta budget check --max-compliance 1.2',
      description: 'allow 20% over budget',
    },
  ],
  run: lazy(() => import('../actions/budget-check.js')),
};
