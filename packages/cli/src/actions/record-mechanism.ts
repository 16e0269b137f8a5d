/** The work of `record mechanism`: record a mechanism event; prints the run id (or the run as JSON). */
import type { CommandRun } from '../commands/types.js';
import { recordOne } from '../shared/write-run.js';
import { CliUsageError } from '../usage-error.js';

/** Runs `record mechanism`, as declared (options, help) in `commands/record-mechanism.ts`. */
export const run: CommandRun = (ctx, [runId, mechanism, functionName], o) => {
  let context: Record<string, never> | undefined;
  if (o.context !== undefined) {
    try {
      context = JSON.parse(String(o.context));
    } catch {
      throw new CliUsageError(`--context must be JSON, got ${String(o.context)}`);
    }
  }
  return recordOne(ctx, 'record mechanism', runId!, {
    mechanisms: [{ mechanism: mechanism!, functionName: functionName!, context }],
  });
};
