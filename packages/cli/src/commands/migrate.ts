import { lazy } from '../shared/lazy-run.js';
import type { CommandSpec } from './types.js';

export const migrate: CommandSpec = {
  name: 'migrate',
  summary: 'Migrate a v1 database to v2 (or repair a v2 one), safely',
  description:
    'Plan and run the v1 → v2 migration: checkpoint, build v2 aside, (carry-over: copy every run and child row), record history, move v1 to runs_v1_archive.db (never overwriting), move v2 into place, verify. With --dry-run, print the plan and change nothing.\n\nAfter a migration with the archive strategy, --carry-over-archive copies the archived runs and their child rows into the active v2 database later (schema_version 1.0, v2 fields null or, with --backfill, computed), skipping runs it already holds (the active copy wins), in one verified transaction recorded in runmeta_migrations; the archive itself stays unchanged. A second run carries nothing.',
  printsData: true,
  options: [
    {
      flags: '--dry-run',
      description: 'print the plan (steps, file moves, SQL) and change nothing',
    },
    {
      flags: '--strategy <name>',
      description: 'archive: v1 runs stay in the archive; carry-over: also copy them into v2',
      choices: ['archive', 'carry-over'],
      default: 'archive',
    },
    {
      flags: '--backfill',
      description: 'with carry-over or --carry-over-archive: compute the v2 metrics v1 data allows',
    },
    {
      flags: '--carry-over-archive',
      description:
        'after an archive migration: copy the archived runs into the active database (runs already there are kept)',
    },
    { flags: '--yes', description: 'do not ask for confirmation' },
  ],
  examples: [
    { command: 'runmeta migrate --dry-run', description: 'show what would happen' },
    {
      command: 'runmeta migrate --strategy carry-over --backfill --yes',
      description: 'copy v1 runs into v2',
    },
    {
      command: 'runmeta migrate --carry-over-archive --yes',
      description: 'later: copy the archived v1 runs into v2 too',
    },
  ],
  run: lazy(() => import('../actions/migrate.js')),
};
