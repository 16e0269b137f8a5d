/**
 * Every `runmeta` command, declared once. The program, `--help` and the docs
 * site's CLI reference are all generated from this list.
 */

import { budget } from './budget.js';
import { compare } from './compare.js';
import { complete } from './complete.js';
import { demo } from './demo.js';
import { exportCommand } from './export.js';
import { importCommand } from './import.js';
import { ingest } from './ingest.js';
import { inspect } from './inspect.js';
import { migrate } from './migrate.js';
import { record } from './record.js';
import { report } from './report.js';
import { rollback } from './rollback.js';
import { runs } from './runs.js';
import { start } from './start.js';
import { status } from './status.js';
import type { CommandSpec, ExampleSpec, OptionSpec } from './types.js';
import { ui } from './ui.js';
import { verify } from './verify.js';

export type { ArgumentSpec, CommandSpec, ExampleSpec, OptionSpec } from './types.js';

export const COMMANDS: readonly CommandSpec[] = [
  demo,
  status,
  verify,
  migrate,
  runs,
  inspect,
  compare,
  report,
  ui,
  exportCommand,
  rollback,
  importCommand,
  start,
  record,
  complete,
  ingest,
  budget,
];

/** The program itself: its description and top-level examples. */
export const PROGRAM = {
  name: 'runmeta',
  description:
    'Run metadata for LLM-driven simulations: inspect, migrate and record runs in SQLite run databases or on a PostgreSQL server.',
  examples: [
    { command: 'runmeta demo', description: 'build, migrate and explore a demo database' },
    {
      command: 'runmeta status --db metadata/runs.db',
      description: 'schema, runs, archive (add --check for the integrity check)',
    },
    { command: 'runmeta runs list --where "status = \'failed\'"', description: 'filter runs' },
  ] satisfies ExampleSpec[],
} as const;

/** Options every command accepts. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  {
    flags: '--db <path|url>',
    description:
      'run database file, or postgres://user@host:5432/database?schema=runs (env RUNMETA_DB)',
  },
  { flags: '--json', description: 'machine-readable JSON on stdout (commands that print data)' },
  { flags: '--debug', description: 'show stack traces on errors' },
];

/** Process exit codes: 1 internal, 2 bad input, 3 database problem, 4 a check failed, 130 interrupted. */
export const EXIT_CODES: readonly { code: number; meaning: string }[] = [
  { code: 0, meaning: 'ok' },
  { code: 1, meaning: 'internal error' },
  { code: 2, meaning: 'bad usage or input (unknown run, bad flag, bad filter)' },
  {
    code: 3,
    meaning:
      'database problem (not SQLite, corrupt, newer schema, locked, read-only, server unreachable)',
  },
  {
    code: 4,
    meaning:
      'a check failed (status, verify: needs migration, drifted, archive unreadable or integrity check failed; budget check: runs over budget)',
  },
  {
    code: 130,
    meaning:
      'interrupted by Ctrl-C (143: by SIGTERM); a migration stops cleanly and says where every file is',
  },
];
