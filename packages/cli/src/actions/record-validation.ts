/** The work of `record validation`: record a validator outcome; prints the run id (or the run as JSON). */
import type { CommandRun } from '../commands/types.js';
import { recordOne } from '../shared/write-run.js';
import { CliUsageError } from '../usage-error.js';

/** Runs `record validation`, as declared (options, help) in `commands/record-validation.ts`. */
export const run: CommandRun = (ctx, [runId, validator], o) => {
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
};
