/** `status`: what the database is, without changing it. */
import { CHECK_FAILED } from '../shared/exit-codes.js';
import { showStatus } from '../shared/show-status.js';
import type { CommandSpec } from './types.js';

export const status: CommandSpec = {
  name: 'status',
  summary: 'Schema version, runs-table columns, run counts, archive and integrity',
  description: `Show what the database is, without changing it: schema version, number of runs-table columns, runs by status, the v1 archive (if any) and the integrity check (SQLite's PRAGMA integrity_check; on PostgreSQL a full read of every table). It also reports drift from the expected v2 schema (missing columns, tables or indexes).

Exit codes: 0 up to date; ${CHECK_FAILED} the database needs migration, has drifted or is newer than this runmeta, its integrity check failed, or its v1 archive cannot be read (the State line says which); 3 the database itself cannot be read.`,
  printsData: true,
  examples: [
    { command: 'runmeta status', description: 'status of metadata/runs.db' },
    { command: 'runmeta status --json --db old/runs.db', description: 'as JSON, for scripts' },
  ],
  run: (ctx) => showStatus(ctx),
};
