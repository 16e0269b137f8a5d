/** `status`: what the database is, without changing it (and, with `--check`, whether it is intact). */
import { CHECK_FAILED } from '../shared/exit-codes.js';
import { lazy } from '../shared/lazy-run.js';
import type { CommandSpec } from './types.js';

export const status: CommandSpec = {
  name: 'status',
  summary: 'Schema version, runs-table columns, run counts and archive (--check: integrity too)',
  description: `Show what the database is, without changing it: schema version, number of runs-table columns, runs by status, the v1 archive (if any) and drift from the expected v2 schema (missing columns, tables or indexes). It reads the catalog and the status index, not the runs, so it answers at once on a file of a million runs.

The integrity check reads the whole database (seconds for a million runs), so plain status does not run it and says "Integrity not checked" (in --json, "integrity": null). --check runs it, on the database and on its v1 archive: SQLite's PRAGMA integrity_check, on PostgreSQL a full read of every table. \`runmeta verify\` runs the same checks and prints only what they found.

Exit codes: 0 up to date; ${CHECK_FAILED} the database needs migration, has drifted or is newer than this runmeta, its v1 archive cannot be read, or (with --check) an integrity check failed (the State line says which); 3 the database itself cannot be read.`,
  printsData: true,
  options: [
    {
      flags: '--check',
      description:
        'also run the integrity check of the database and its archive (reads everything; see verify)',
    },
  ],
  examples: [
    { command: 'runmeta status', description: 'status of metadata/runs.db' },
    { command: 'runmeta status --check', description: 'the same, with the integrity check' },
    { command: 'runmeta status --json --db old/runs.db', description: 'as JSON, for scripts' },
  ],
  run: lazy(() => import('../actions/status.js')),
};
