import { CARRY_OVER_ARCHIVE, CARRY_OVER_FIRST } from '../carry-over-words.js';
import { lazy } from '../shared/lazy-run.js';
import { duration } from '../shared/option-values.js';
import type { CommandSpec } from './types.js';

export const runsClose: CommandSpec = {
  name: 'close',
  summary: 'Close runs still running after a given age as failed',
  description: `Find runs whose status is still running although they started longer ago than --older-than (their process died), and mark them failed with a reason. With --dry-run, list them and change nothing.

Only the active database is changed. After a migration with the archive strategy, running runs of the read-only v1 archive are counted on stderr, not closed: carry them over with \`${CARRY_OVER_ARCHIVE}\` first. On a v1 file runs close refuses (exit 3) instead of migrating it, since the archive strategy would move the running runs out of reach: run \`${CARRY_OVER_FIRST}\` first.`,
  printsData: true,
  options: [
    {
      flags: '--stale',
      description: 'close stale runs (required: the only kind of closing there is)',
    },
    { flags: '--older-than <duration>', description: 'age, e.g. 6h, 2d, 1w', value: duration },
    { flags: '--reason <text>', description: 'error message to store' },
    { flags: '--dry-run', description: 'list the runs that would be closed; change nothing' },
  ],
  examples: [
    {
      command: 'runmeta runs close --stale --older-than 1d',
      description: 'fail runs stuck for a day',
    },
    {
      command: 'runmeta runs close --stale --older-than 1d --dry-run',
      description: 'see which runs that would close',
    },
  ],
  run: lazy(() => import('../actions/runs-close.js')),
};
