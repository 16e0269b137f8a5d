/** `verify`: is the database intact? The integrity checks `status` leaves out, and nothing else. */
import { CHECK_FAILED } from '../shared/exit-codes.js';
import { lazy } from '../shared/lazy-run.js';
import type { CommandSpec } from './types.js';

export const verify: CommandSpec = {
  name: 'verify',
  summary: 'Check the database and its v1 archive for damage (the full integrity check)',
  description: `Check that the database is intact, without changing it: the storage's full integrity check (SQLite's PRAGMA integrity_check — every page, record and index entry; on PostgreSQL a full read of every table), the same check of the v1 archive if there is one, and the schema (up to date, not drifted, not newer than this runmeta). It reads the whole database: seconds for a million runs. \`runmeta status --check\` runs the same checks beside the status; \`runmeta status\` runs none of them.

Exit codes: 0 everything checked is sound; ${CHECK_FAILED} a check found a problem (the Result line lists them: an integrity check failed, the archive cannot be read, the database needs migration or is newer than this runmeta); 3 the database itself cannot be read (not SQLite, or damaged where opening reads).`,
  printsData: true,
  examples: [
    { command: 'runmeta verify', description: 'check metadata/runs.db and its archive' },
    { command: 'runmeta verify --json --db old/runs.db', description: 'as JSON, for scripts' },
  ],
  run: lazy(() => import('../actions/verify.js')),
};
