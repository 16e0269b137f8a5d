/** The `record` command group: mechanism events, resolutions, validations (one file per subcommand). */
import { recordMechanism } from './record-mechanism.js';
import { recordResolution } from './record-resolution.js';
import { recordValidation } from './record-validation.js';
import type { CommandSpec } from './types.js';

export const record: CommandSpec = {
  name: 'record',
  summary: 'Record a mechanism event, resolution assignment or validation',
  examples: [
    {
      command: 'runmeta record mechanism "$RUN" M3 seed_knowledge',
      description: 'a mechanism event',
    },
    {
      command: 'runmeta record resolution "$RUN" ceo DIALOG tp_001',
      description: 'an entity fidelity level',
    },
    {
      command: 'runmeta record validation "$RUN" timeline --passed',
      description: 'a validator outcome',
    },
  ],
  subcommands: [recordMechanism, recordResolution, recordValidation],
};
