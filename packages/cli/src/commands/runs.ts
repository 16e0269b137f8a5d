/** The `runs` command group: list, show and close runs (one file per subcommand). */
import { runsClose } from './runs-close.js';
import { runsCount } from './runs-count.js';
import { runsList } from './runs-list.js';
import { runsShow } from './runs-show.js';
import type { CommandSpec } from './types.js';

export const runs: CommandSpec = {
  name: 'runs',
  summary: 'List, count, show and close runs',
  examples: [
    {
      command: 'runmeta runs list --include-archive',
      description: 'every run, v1 archive included',
    },
    {
      command: 'runmeta runs count --where "status = \'failed\'"',
      description: 'how many runs failed',
    },
    { command: 'runmeta runs show <run_id>', description: 'one run in detail' },
    {
      command: 'runmeta runs close --stale --older-than 1d',
      description: 'fail runs stuck for a day',
    },
  ],
  subcommands: [runsList, runsCount, runsShow, runsClose],
};
