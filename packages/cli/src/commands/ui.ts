/** `ui`: the local dashboard over the database, in the browser. */
import { DEFAULT_UI_PORT } from '@runmeta/ui/constants';
import { lazy } from '../shared/lazy-run.js';
import { portNumber } from '../shared/option-values.js';
import type { CommandSpec } from './types.js';

export const ui: CommandSpec = {
  name: 'ui',
  summary: 'Open a local dashboard of the runs in your browser (read-only)',
  description: `Serve a dashboard of the database on http://127.0.0.1:<port>/ until Ctrl-C: the run list with filters, --where, sort by any column and paging over any number of runs (/runs), one run with its events, assignments, validations and snapshot (/runs/<id>), runs side by side (/compare?ids=a,b), and what the runs add up to: runs and cost per day by status, compliance, fidelity, top templates and template × mechanism coverage (/overview). Every page's state is in its URL, so a link shows the same view.

On a SQLite file it shows what a running simulation commits: an open page says "Runs were written since this page was shown" within a few seconds of a write, and shows them at a click. The overview's answers are kept while nothing changes; after a write a page shows the last ones at once, dimmed and marked "as of <time>: updating…", until the new ones come.

It only reads: the database is opened read-only and the server accepts only GET. It listens on 127.0.0.1 alone and answers only requests addressed to 127.0.0.1:<port> or localhost:<port>, so neither another machine nor a web page on another site can read your runs through it.

Exit codes: 0 stopped with Ctrl-C; 2 the port is taken (choose another --port) or a bad option; 3 the database cannot be read.`,
  options: [
    {
      flags: '--port <n>',
      description: `port on 127.0.0.1 (default ${DEFAULT_UI_PORT})`,
      value: portNumber(),
    },
    { flags: '--open', description: 'also open the dashboard in your default browser' },
  ],
  examples: [
    {
      command: 'runmeta ui',
      description: `dashboard of metadata/runs.db on port ${DEFAULT_UI_PORT}`,
    },
    {
      command: 'runmeta ui --db runmeta-demo/metadata/runs.db --open',
      description: 'the demo database, opened in the browser',
    },
    {
      command: 'runmeta ui --db postgres://localhost/sims?schema=runs --port 8080',
      description: 'runs on a PostgreSQL server',
    },
  ],
  run: lazy(() => import('../actions/ui.js')),
};
