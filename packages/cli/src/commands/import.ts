import { lazy } from '../shared/lazy-run.js';
import type { CommandSpec } from './types.js';

export const importCommand: CommandSpec = {
  name: 'import',
  summary:
    'Load a dump (JSON lines) into a database, or copy a SQLite run database into PostgreSQL',
  description: `From a dump (\`runmeta export --children\`, JSON lines): append its runs, with their mechanisms, resolutions and validations, to the database given by --to (default --db), a SQLite file or PostgreSQL; a database that does not exist is created as v2. Columns the runs have and the database lacks are added. Every line is checked before anything is written, and the runs are written in one transaction: a bad line (exit 2, naming it) or a run id the database holds already leaves the database as it was (--skip-existing leaves those runs out instead). A v1 target is refused: migrate it first, choosing the strategy.

From a SQLite file: copy every table of a SQLite run database, every column by name and every row in order, into the database given by --to (default --db): typically postgres://user:password@host:5432/database?schema=runs. The copy is built aside, its row counts are verified against the source, and only then is it moved into place; a v1 source is then migrated on the target exactly as on a file (archive: v1 kept as the <schema>_v1_archive schema; carry-over: also copied into v2). The source file is opened read-only and never changed. A failed import leaves the target without it.

Names are kept exactly; a name or value that would arrive changed (text whose bytes are not UTF-8; on PostgreSQL also a name over 63 bytes or text with a NUL character) is refused, naming the table, the column and the run, and nothing is imported.

Exit codes: 0 imported; 2 bad usage, a bad line of a dump or a run it holds that the target has already, or a name or value the target cannot keep; 3 the source is not a run database or is newer, the target exists (pass --replace), or a dump's target is v1 (migrate it first).`,
  printsData: true,
  options: [
    {
      flags: '--from <file>',
      description: 'a dump (.jsonl) or a SQLite run database to copy (never changed)',
    },
    {
      flags: '--to <database>',
      description: 'target: postgres://…?schema=<name> or a SQLite file (default: --db)',
    },
    {
      flags: '--strategy <name>',
      description:
        'for a v1 source: archive (v1 stays in the archive) or carry-over (copied into v2)',
      choices: ['archive', 'carry-over'],
      default: 'archive',
    },
    { flags: '--backfill', description: 'with carry-over: compute the v2 metrics v1 data allows' },
    {
      flags: '--dry-run',
      description: 'from a dump: check every line and say what would be imported, writing nothing',
    },
    {
      flags: '--skip-existing',
      description: 'from a dump: leave out runs whose id the target holds already',
    },
    {
      flags: '--replace',
      description: 'from a SQLite file: replace an existing target database (asks unless --yes)',
    },
    { flags: '--yes', description: 'do not ask for confirmation' },
  ],
  examples: [
    {
      command: 'runmeta --db copy.db import --from dump.jsonl',
      description: 'restore a dump into a new (or existing) database',
    },
    {
      command: 'runmeta import --from metadata/runs.db --to postgres://localhost/sims?schema=runs',
      description: 'copy a run database to a PostgreSQL server',
    },
    {
      command:
        'runmeta import --from old/runs.db --to "$RUNMETA_DB" --strategy carry-over --backfill',
      description: 'copy v1 runs into v2 on the way',
    },
  ],
  run: lazy(() => import('../actions/import.js')),
};
