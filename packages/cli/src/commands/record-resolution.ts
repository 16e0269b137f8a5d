/** `record resolution`: record an entity resolution (fidelity) assignment; prints the run id (or the run as JSON). */
import { RESOLUTION_LEVELS } from '@runmeta/core/constants';
import { lazy } from '../shared/lazy-run.js';
import type { CommandSpec } from './types.js';

export const recordResolution: CommandSpec = {
  name: 'resolution',
  fieldFlags: {
    'resolutions[0].entityId': '<entity_id>',
    'resolutions[0].resolution': '<level>',
    'resolutions[0].timepointId': '<timepoint_id>',
  },
  summary: 'Record an entity resolution (fidelity) assignment',
  printsData: true,
  arguments: [
    { name: 'run_id', description: 'the run' },
    { name: 'entity_id', description: 'the entity' },
    {
      name: 'level',
      description: `${RESOLUTION_LEVELS.join(', ')} (upper-case accepted)`,
    },
    { name: 'timepoint_id', description: 'the timepoint' },
  ],
  examples: [
    {
      command: 'runmeta record resolution "$RUN" ceo DIALOG tp_001',
      description: 'the CEO at dialog fidelity',
    },
  ],
  run: lazy(() => import('../actions/record-resolution.js')),
};
