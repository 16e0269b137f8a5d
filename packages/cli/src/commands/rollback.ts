import { lazy } from '../shared/lazy-run.js';
import type { CommandSpec } from './types.js';

export const rollback: CommandSpec = {
  name: 'rollback',
  summary: 'Restore the v1 archive as runs.db, keeping v2 as runs_v2_backup.db',
  description:
    'Undo a migration: the current v2 database is kept as runs_v2_backup.db (never overwritten) and the v1 archive is restored to runs.db. Everything written since the migration then exists only in the backup, and a warning counts it by kind: runs started since, carried-over runs changed since (closed, completed, summarised), carried-over runs with v2 metrics (backfill), child rows added to carried-over runs, columns added. --json reports the counts as `changes`. Requires --yes (or a y at the prompt on a terminal).',
  printsData: true,
  options: [{ flags: '--yes', description: 'do not ask for confirmation' }],
  examples: [{ command: 'runmeta rollback --yes', description: 'roll back without a prompt' }],
  run: lazy(() => import('../actions/rollback.js')),
};
