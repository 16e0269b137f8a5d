/** `record mechanism`: record a mechanism event; prints the run id (or the run as JSON). */
import { CliUsageError } from '../errors.js';
import { recordOne } from '../shared/write-run.js';
import type { CommandSpec } from './types.js';

export const recordMechanism: CommandSpec = {
  name: 'mechanism',
  fieldFlags: {
    'mechanisms[0].mechanism': '<mechanism>',
    'mechanisms[0].functionName': '<function_name>',
    'mechanisms[0].context': '--context',
  },
  summary: 'Record a mechanism event',
  printsData: true,
  arguments: [
    { name: 'run_id', description: 'the run' },
    { name: 'mechanism', description: 'mechanism id, e.g. M3 or M1+M17' },
    { name: 'function_name', description: 'function that fired it' },
  ],
  options: [{ flags: '--context <json>', description: 'context as a JSON object' }],
  examples: [
    {
      command: `runmeta record mechanism "$RUN" M3 seed_knowledge --context '{"args": 2}'`,
      description: 'with context',
    },
  ],
  run: (ctx, [runId, mechanism, functionName], o) => {
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
  },
};
