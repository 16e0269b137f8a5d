import { lazy } from '../shared/lazy-run.js';
import type { CommandSpec } from './types.js';

export const recordValidation: CommandSpec = {
  name: 'validation',
  fieldFlags: {
    'validations[0].validatorName': '<validator>',
    'validations[0].message': '--message',
    'validations[0].violations': '--violation',
  },
  summary: 'Record a validator outcome',
  printsData: true,
  arguments: [
    { name: 'run_id', description: 'the run' },
    { name: 'validator', description: 'validator name' },
  ],
  options: [
    { flags: '--passed', description: 'the validation passed' },
    { flags: '--failed', description: 'the validation failed' },
    { flags: '--message <text>', description: 'message' },
    { flags: '--violation <text>', description: 'a violation (repeatable)', repeatable: true },
  ],
  examples: [
    {
      command:
        'runmeta record validation "$RUN" timeline --failed --violation "tp_002 before tp_001"',
      description: 'a failed check',
    },
  ],
  run: lazy(() => import('../actions/record-validation.js')),
};
