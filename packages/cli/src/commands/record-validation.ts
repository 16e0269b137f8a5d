/** `record validation`: record a validator outcome; prints the run id (or the run as JSON). */
import { CliUsageError } from '../errors.js';
import { recordOne } from '../shared/write-run.js';
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
  run: (ctx, [runId, validator], o) => {
    if (!!o.passed === !!o.failed)
      throw new CliUsageError('record validation needs exactly one of --passed or --failed');
    return recordOne(ctx, 'record validation', runId!, {
      validations: [
        {
          validatorName: validator!,
          passed: !!o.passed,
          message: o.message as string | undefined,
          violations: (o.violation as string[] | undefined) ?? [],
        },
      ],
    });
  },
};
