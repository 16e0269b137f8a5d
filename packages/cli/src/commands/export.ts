import { lazy } from '../shared/lazy-run.js';
import type { CommandSpec } from './types.js';

export const exportCommand: CommandSpec = {
  name: 'export',
  summary:
    'Stream every run of the active database (and its archive) as JSONL, CSV or OpenTelemetry traces',
  description: `Exports the active database page by page, so memory stays flat however many runs there are. With --include-archive the runs of the v1 archive follow, page by page too; every record then says its source (active or archive), and a run present in both is exported once (the active copy). --out never replaces an existing file unless --force is given, and the file appears only once it is complete.

With --children each JSON line also holds the run's mechanisms, resolutions and validations, every key in a fixed order: a lossless dump. \`runmeta import --from <dump.jsonl>\` loads it into any database, and dumping that database again gives the same bytes.

With --format otlp each run is an OpenTelemetry span: trace and span ids derived from the run id (sending again deduplicates), status ERROR with the error message for a failed run, every field as a runmeta.* attribute and the GenAI conventions' keys where one fits, and the mechanism events, resolutions and validations as span events. Runs go 100 to an OTLP/JSON request: one request per line on stdout or --out (the OpenTelemetry Collector's JSON file format), or POSTed to --endpoint (Langfuse, Phoenix, MLflow, a Collector), retried on 429, 502, 503 and 504 and when it cannot be reached (each request waits 10 s for an answer). An endpoint without a path gets /v1/traces.

Exit codes: 0 exported; 2 bad usage, or the OTLP receiver refused the spans or could not be reached; 3 database problem; 130 interrupted (--out is then not written).`,
  options: [
    {
      flags: '--include-archive',
      description: 'also export the runs of the v1 archive (each record says its source)',
    },
    {
      flags: '--format <format>',
      description: 'jsonl, csv, or otlp (OpenTelemetry traces, one OTLP/JSON request per line)',
      choices: ['jsonl', 'csv', 'otlp'],
      default: 'jsonl',
    },
    {
      flags: '--children',
      description:
        "with jsonl: each run's mechanisms, resolutions and validations too (a dump `runmeta import` reads back)",
    },
    { flags: '--out <file>', description: 'write to this file instead of stdout' },
    { flags: '--force', description: 'replace --out if it exists (never the database itself)' },
    {
      flags: '--endpoint <url>',
      description:
        'with otlp: POST to this OTLP/HTTP receiver instead, e.g. http://localhost:4318/v1/traces',
    },
    {
      flags: '--header <name=value>',
      description:
        'with --endpoint: an HTTP header such as Authorization=… (repeatable; also OTEL_EXPORTER_OTLP_HEADERS)',
      repeatable: true,
    },
  ],
  examples: [
    { command: 'runmeta export --format csv --out runs.csv', description: 'all runs as CSV' },
    {
      command: 'runmeta export --children --out dump.jsonl',
      description: 'a lossless dump: every run with its child records',
    },
    {
      command: 'runmeta export --format otlp --endpoint http://localhost:4318/v1/traces',
      description: 'every run as a trace, to an OpenTelemetry Collector',
    },
    {
      command: 'runmeta export --include-archive --out all-runs.jsonl',
      description: 'old and new runs, each saying its source',
    },
  ],
  run: lazy(() => import('../actions/export.js')),
};
