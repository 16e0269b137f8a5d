import { lazy } from '../shared/lazy-run.js';
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
  run: lazy(() => import('../actions/record-mechanism.js')),
};
