import { lazy } from '../shared/lazy-run.js';
import { wholeNumber } from '../shared/option-values.js';
import type { CommandSpec } from './types.js';

export const demo: CommandSpec = {
  name: 'demo',
  summary:
    'Build a realistic v1 database, migrate it, record v2 runs, and show status, report and inspect',
  description:
    'Writes <dir>/metadata/runs.db with hundreds of synthetic v1 runs (every temporal mode, mechanisms, resolutions, validations, failures and stuck runs), migrates it with the archive strategy (old runs land in runs_v1_archive.db), records a batch of v2 runs through the SDK (budgets met and far exceeded), then prints status, a report over both databases and the snapshot of a v2 run. An existing demo folder is replaced.',
  options: [
    { flags: '--dir <folder>', description: 'where to build it', default: 'runmeta-demo' },
    {
      flags: '--runs <n>',
      description: 'number of v1 runs',
      default: '400',
      value: wholeNumber(10),
    },
  ],
  examples: [{ command: 'runmeta demo --dir /tmp/demo', description: 'build the demo elsewhere' }],
  run: lazy(() => import('../actions/demo.js')),
};
