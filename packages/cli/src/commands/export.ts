import { lazy } from '../shared/lazy-run.js';
import type { CommandSpec } from './types.js';

export const exportCommand: CommandSpec = {
  name: 'export',
  summary: 'Stream every run of the active database (and its archive) as JSONL or CSV',
  description:
    "Exports the active database page by page, so memory stays flat however many runs there are. With --include-archive the runs of the v1 archive follow, page by page too; every record then says its source (active or archive), and a run present in both is exported once (the active copy). --out never replaces an existing file unless --force is given, and the file appears only once it is complete.\n\nWith --children each JSON line also holds the run's mechanisms, resolutions and validations, every key in a fixed order: a lossless dump. `runmeta import --from <dump.jsonl>` loads it into any database, and dumping that database again gives the same bytes.",
  options: [
    {
      flags: '--include-archive',
      description: 'also export the runs of the v1 archive (each record says its source)',
    },
    {
      flags: '--format <format>',
      description: 'jsonl or csv',
      choices: ['jsonl', 'csv'],
      default: 'jsonl',
    },
    {
      flags: '--children',
      description:
        "with jsonl: each run's mechanisms, resolutions and validations too (a dump `runmeta import` reads back)",
    },
    { flags: '--out <file>', description: 'write to this file instead of stdout' },
    { flags: '--force', description: 'replace --out if it exists (never the database itself)' },
  ],
  examples: [
    { command: 'runmeta export --format csv --out runs.csv', description: 'all runs as CSV' },
    {
      command: 'runmeta export --children --out dump.jsonl',
      description: 'a lossless dump: every run with its child records',
    },
    {
      command: 'runmeta export --include-archive --out all-runs.jsonl',
      description: 'old and new runs, each saying its source',
    },
  ],
  run: lazy(() => import('../actions/export.js')),
};
