/**
 * The benchmark database: a realistic schema-v2 run database of N runs (default
 * 1,000,000) with 3 mechanism rows per run and a few resolutions and validations,
 * deterministic (seeded), cached under `/tmp/runmeta-bench` so reruns reuse it.
 *
 * The schema is made by our own SDK (`MetadataManager.open` on an empty file),
 * so tables, column order, defaults and indexes are exactly what users get; the
 * rows are then written raw with better-sqlite3 prepared statements in large
 * transactions, because a million SDK calls would take the better part of an hour.
 * The indexes are dropped for the fill and re-created from their own stored SQL
 * afterwards (one sort per index instead of a million b-tree inserts each).
 *
 *   node --conditions=@runmeta/source --import tsx bench/generate.ts [--size 1000000] [--dir /tmp/runmeta-bench] [--force]
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MetadataManager, RESOLUTION_LEVELS } from '@runmeta/core';
import { seededRandom } from '@runmeta/core/demo';
import { createNodeSqliteAdapter } from '@runmeta/node-sqlite';
import BetterSqlite3 from 'better-sqlite3';

/**
 * Bump when the generated rows change: the version is part of the cached file's
 * name, so a stale cache is never reused. (A change of the SDK's schema changes
 * the name on its own: see {@link generateBenchDatabase}.)
 */
export const GENERATOR_VERSION = 1;

/** The default number of runs: the issue's million. */
export const DEFAULT_RUNS = 1_000_000;

/** Where generated files are cached (`RUNMETA_BENCH_DIR` overrides). */
export const DEFAULT_BENCH_DIR =
  process.env.RUNMETA_BENCH_DIR ?? path.join(os.tmpdir(), 'runmeta-bench');

/** Options of {@link generateBenchDatabase}. */
export interface GenerateOptions {
  /** Number of runs (default {@link DEFAULT_RUNS}). */
  runs?: number;
  /** PRNG seed (default 15, the issue's number). */
  seed?: number;
  /** Cache folder (default {@link DEFAULT_BENCH_DIR}). */
  dir?: string;
  /** Regenerate even when a cached file exists. */
  force?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** A generated (or reused) benchmark database. */
export interface BenchDatabase {
  /** Absolute path of the file. */
  file: string;
  runs: number;
  /** Size of the file in bytes. */
  bytes: number;
  /** Whether a cached file was reused. */
  reused: boolean;
  /** Time spent generating (0 when reused), in ms. */
  ms: number;
  /** Row counts of the child tables. */
  rows: { mechanisms: number; resolutions: number; validations: number };
}

/** Templates, weighted like a real project: a few busy ones, a long tail. */
const TEMPLATES: readonly [string, number][] = [
  ['board_meeting', 18],
  ['jefferson_dinner', 14],
  ['hospital_crisis', 12],
  ['mars_colony', 10],
  ['sherlock_investigation', 9],
  ['portal_presidential_election', 8],
  ['apollo_13_recovery', 7],
  ['startup_pivot', 6],
  ['courtroom_drama', 5],
  ['climate_summit', 5],
  ['medieval_village', 3],
  ['first_contact', 3],
];

/** The seven causal modes (SPEC §2: the five documented plus pearl and nonlinear). */
const MODES: readonly [string, number][] = [
  ['forward', 30],
  ['directorial', 20],
  ['branching', 15],
  ['cyclical', 10],
  ['portal', 10],
  ['pearl', 8],
  ['nonlinear', 7],
];

const PLANNING_MODES = ['programmatic', 'adaptive', 'hybrid'] as const;
const BUDGET_MODES = ['hard', 'soft', 'max', 'adaptive', 'orchestrator', 'user'] as const;
const BUDGETS = [20_000, 50_000, 50_000, 100_000, 100_000, 200_000] as const;
const FUNCTIONS = [
  'build_graph',
  'assign_resolutions',
  'seed_knowledge',
  'run_dialog',
  'orchestrate',
  'compress_tensor',
  'plan_timeline',
] as const;
const ERRORS = [
  'LLM returned empty response',
  'rate limit exceeded (429) after 5 retries',
  "'Entity' object has no attribute 'resolution'",
  'token budget exhausted before timepoint tp_004',
  'timeout waiting for model response (120 s)',
  'validation failed: timeline gap between tp_002 and tp_003',
] as const;
const VALIDATORS = ['temporal_consistency', 'entity_knowledge', 'causal_chain'] as const;

const DAY_MS = 86_400_000;
/** Runs are spread over the year before this instant. */
const END = Date.UTC(2025, 10, 1);
const SPAN = 365 * DAY_MS;

/** Pick from a weighted list. */
function weighted(random: () => number, list: readonly [string, number][]): string {
  const total = list.reduce((sum, [, w]) => sum + w, 0);
  let roll = random() * total;
  for (const [value, weight] of list) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return list[list.length - 1]![0];
}

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

function int(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/**
 * A creation time as deployed files hold them: mostly the SDK's ISO-8601 with
 * `Z`; about 1 in 1,000 with a `+02:00` offset (the same instant, local time)
 * and about 1 in 1,000 with a space instead of the `T` (the earlier tool's form).
 */
function stamp(random: () => number, ms: number): string {
  const iso = new Date(ms).toISOString();
  const roll = random();
  if (roll < 0.001) return `${new Date(ms + 2 * 3_600_000).toISOString().slice(0, 23)}+02:00`;
  if (roll < 0.002) return iso.slice(0, 19).replace('T', ' ');
  return iso;
}

/**
 * Compliance as budgets behave: most runs within 0.6–1.05 of their budget, a
 * third over it, a tail to 2.5, a few far under (0.3).
 */
function compliance(random: () => number): number {
  const roll = random();
  if (roll < 0.05) return 0.3 + random() * 0.3;
  if (roll < 0.65) return 0.6 + random() * 0.4;
  if (roll < 0.9) return 1 + random() * 0.5;
  return 1.5 + random() * 1.0;
}

/** The v2 `runs` columns written, in this order. */
const RUN_COLUMNS = [
  'run_id',
  'template_id',
  'created_at',
  'updated_at',
  'causal_mode',
  'goal',
  'origin_description',
  'entities_created',
  'timepoints_created',
  'training_examples',
  'cost_usd',
  'llm_calls',
  'tokens_used',
  'oxen_repo_url',
  'oxen_dataset_url',
  'error_message',
  'status',
  'portal_description',
  'portal_year',
  'origin_year',
  'backward_steps',
  'schema_version',
  'fidelity_strategy_json',
  'fidelity_distribution',
  'actual_tokens_used',
  'token_budget_compliance',
  'fidelity_efficiency_score',
] as const;

type Value = string | number | null;

/** The rows of one run. */
interface RunRows {
  run: Value[];
  mechanisms: Value[][];
  resolutions: Value[][];
  validations: Value[][];
}

/** Make run number `i` of `runs` (created in order over the year). */
function makeRun(random: () => number, i: number, runs: number): RunRows {
  const createdMs = END - SPAN + Math.floor(((i + random()) * SPAN) / runs);
  const created = stamp(random, createdMs);
  const compact = new Date(createdMs).toISOString().replace(/[-:]/g, '').replace('T', '_');
  // A multiplicative hash is a bijection on 32 bits: unique ids, no lookups.
  const suffix = (Math.imul(i + 1, 0x9e3779b1) >>> 0).toString(16).padStart(8, '0');
  const runId = `run_${compact.slice(0, 15)}_${suffix}`;
  const template = weighted(random, TEMPLATES);
  const mode = weighted(random, MODES);
  const roll = random();
  const status = roll < 0.88 ? 'completed' : roll < 0.96 ? 'failed' : 'running';
  const durationMs = int(random, 30_000, 1_200_000);
  const updated = status === 'running' ? created : stamp(random, createdMs + durationMs);
  const budget = random() < 0.9 ? pick(random, BUDGETS) : null;
  const timepoints = int(random, 1, 12);
  const strategy: Record<string, unknown> = {
    mode,
    planning_mode: pick(random, PLANNING_MODES),
    budget_mode: pick(random, BUDGET_MODES),
    ...(budget === null ? {} : { token_budget: budget }),
    timepoint_count: timepoints,
    fidelity_schedule: Array.from({ length: Math.min(timepoints, 4) }, () =>
      pick(random, RESOLUTION_LEVELS),
    ),
    temporal_steps: Array.from({ length: Math.min(timepoints, 4) }, () => int(random, 1, 6)),
    adaptive_threshold: 0.7,
    min_resolution: 'tensor_only',
    max_resolution: 'trained',
    allocation_rationale: `${template.replaceAll('_', ' ')}: ${timepoints} timepoints, ${mode} mode`,
    estimated_tokens: budget ?? int(random, 20_000, 150_000),
    estimated_cost_usd: Number(((budget ?? 80_000) * 0.0000025).toFixed(4)),
  };

  let entities: number | null = null;
  let tokens: number | null = null;
  let cost: number | null = null;
  let llmCalls: number | null = null;
  let training: number | null = null;
  let ratio: number | null = null;
  let distribution: string | null = null;
  let efficiency: number | null = null;
  let error: string | null = null;
  if (status !== 'running') {
    const failed = status === 'failed';
    entities = failed ? int(random, 0, 4) : int(random, 2, 12);
    const target = budget === null ? int(random, 20_000, 150_000) : budget * compliance(random);
    tokens = Math.max(1, Math.round(failed ? target * (0.05 + random() * 0.6) : target));
    // Price per token differs by template's model: cost spreads over ~0.01–2.5 USD.
    cost = Number((tokens * (0.0000015 + random() * 0.0000095)).toFixed(6));
    llmCalls = Math.max(1, Math.round(tokens / int(random, 600, 1_400)));
    training = failed ? 0 : int(random, 0, entities * timepoints);
    if (budget !== null) ratio = tokens / budget;
    if (entities > 0) {
      const counts = new Map<string, number>();
      for (let e = 0; e < entities; e++) {
        const level = RESOLUTION_LEVELS[Math.min(5, Math.floor(random() * random() * 6))]!;
        counts.set(level, (counts.get(level) ?? 0) + 1);
      }
      distribution = JSON.stringify(
        Object.fromEntries(
          RESOLUTION_LEVELS.filter((l) => counts.has(l)).map((l) => [l, counts.get(l)]),
        ),
      );
    }
    efficiency = (entities + (failed ? 0 : timepoints)) / tokens;
    if (failed) error = pick(random, ERRORS);
    strategy.actual_tokens_used = tokens;
    strategy.actual_cost_usd = cost;
    if (ratio !== null) strategy.budget_compliance_ratio = Number(ratio.toFixed(4));
  }
  const portal = mode === 'portal';
  const withStrategy = random() < 0.15;
  const oxen = status === 'completed' && random() < 0.1;
  const run: Value[] = [
    runId,
    template,
    created,
    updated,
    mode,
    `Simulate ${template.replaceAll('_', ' ')} (${mode})`,
    random() < 0.1 ? `seeded from ${pick(random, TEMPLATES)[0]} notes` : null,
    entities,
    status === 'running' ? null : status === 'failed' ? 0 : timepoints,
    training,
    cost,
    llmCalls,
    tokens,
    oxen ? `https://hub.oxen.ai/runmeta/${template}` : null,
    oxen ? `https://hub.oxen.ai/runmeta/${template}/datasets/${runId}` : null,
    error,
    status,
    portal ? `a ${template.replaceAll('_', ' ')} that ended differently` : null,
    portal ? int(random, 1776, 2040) : null,
    portal ? int(random, 1700, 1900) : null,
    portal ? int(random, 2, 12) : null,
    '2.0',
    // Pipelines that plan fidelity store their strategy; about 15 % of runs here.
    withStrategy ? JSON.stringify(strategy) : null,
    distribution,
    tokens,
    ratio,
    efficiency,
  ];
  const mechanisms: Value[][] = [];
  for (let m = 0; m < 3; m++) {
    mechanisms.push([
      runId,
      `M${int(random, 1, 17)}`,
      pick(random, FUNCTIONS),
      new Date(createdMs + Math.floor((durationMs * (m + 1)) / 4)).toISOString(),
      `{"step":${m + 1}}`,
    ]);
  }
  const resolutions: Value[][] = [];
  if (status !== 'running' && entities && random() < 0.08) {
    for (let e = 0; e < Math.min(entities, 6); e++) {
      resolutions.push([
        runId,
        `entity_${e}`,
        pick(random, RESOLUTION_LEVELS),
        `tp_${String(int(random, 1, timepoints)).padStart(3, '0')}`,
        new Date(createdMs + e * 1_000).toISOString(),
      ]);
    }
  }
  const validations: Value[][] = [];
  if (status !== 'running' && random() < 0.05) {
    for (let v = 0; v < int(random, 1, 2); v++) {
      const passed = random() > 0.2;
      validations.push([
        runId,
        VALIDATORS[v]!,
        passed ? 1 : 0,
        new Date(createdMs + durationMs).toISOString(),
        passed ? null : 'timeline gap',
        JSON.stringify(passed ? [] : ['tp_002 precedes tp_001']),
      ]);
    }
  }
  return { run, mechanisms, resolutions, validations };
}

/** The cached file's name for `runs` runs and the SDK's schema fingerprint. */
export function benchDatabaseName(runs: number, schemaFingerprint: string): string {
  return `runs-${runs}-v${GENERATOR_VERSION}-${schemaFingerprint}.db`;
}

/** The schema's SQL (tables and indexes) of a file, sorted: what the fingerprint hashes. */
function schemaSql(db: BetterSqlite3.Database): string[] {
  const rows = db
    .prepare(
      "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type, name",
    )
    .pluck()
    .all() as string[];
  return rows;
}

/**
 * Generate (or reuse from the cache) a benchmark database of `runs` runs. The
 * file name carries {@link GENERATOR_VERSION} and a fingerprint of the schema
 * our SDK creates today, so an index added to the SDK regenerates the file.
 * The file is filled aside and renamed into place: an interrupted generation
 * never leaves a half-filled file where a rerun would reuse it.
 */
export async function generateBenchDatabase(options: GenerateOptions = {}): Promise<BenchDatabase> {
  const runs = options.runs ?? DEFAULT_RUNS;
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--size must be a positive integer, got ${runs}`);
  const log = options.log ?? (() => {});
  const dir = path.resolve(options.dir ?? DEFAULT_BENCH_DIR);
  fs.mkdirSync(dir, { recursive: true });
  const work = fs.mkdtempSync(path.join(dir, '.building-'));
  try {
    // The exact v2 schema, from our own SDK, on an empty file.
    const manager = await MetadataManager.open({
      adapter: createNodeSqliteAdapter({ directory: work }),
      database: 'runs.db',
    });
    await manager.close();
    const partial = path.join(work, 'runs.db');
    const db = new BetterSqlite3(partial);
    let name: string;
    const started = performance.now();
    const rows = { mechanisms: 0, resolutions: 0, validations: 0 };
    try {
      const fingerprint = createHash('sha256')
        .update(schemaSql(db).join('\n'))
        .digest('hex')
        .slice(0, 8);
      name = benchDatabaseName(runs, fingerprint);
      const target = path.join(dir, name);
      if (!options.force && fs.existsSync(target)) {
        db.close();
        const counts = childCounts(target);
        return {
          file: target,
          runs,
          bytes: fs.statSync(target).size,
          reused: true,
          ms: 0,
          rows: counts,
        };
      }
      log(`generating ${runs.toLocaleString('en')} runs → ${target}`);
      fill(db, runs, options.seed ?? 15, rows, log);
    } finally {
      if (db.open) db.close();
    }
    const target = path.join(dir, name);
    fs.renameSync(partial, target);
    const ms = performance.now() - started;
    const bytes = fs.statSync(target).size;
    log(
      `generated ${runs.toLocaleString('en')} runs in ${(ms / 1000).toFixed(1)} s: ` +
        `${(bytes / 1e6).toFixed(0)} MB (${(bytes / 2 ** 20).toFixed(0)} MiB)`,
    );
    return { file: target, runs, bytes, reused: false, ms, rows };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Write the rows into the SDK-created empty file. */
function fill(
  db: BetterSqlite3.Database,
  runs: number,
  seed: number,
  rows: BenchDatabase['rows'],
  log: (line: string) => void,
): void {
  // A file being built needs no crash safety: no journal, no syncs (the file is
  // renamed into the cache only once complete).
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  db.pragma('temp_store = MEMORY');
  const indexes = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
    .all() as { name: string; sql: string }[];
  for (const { name } of indexes) db.exec(`DROP INDEX "${name.replaceAll('"', '""')}"`);
  const insertRun = db.prepare(
    `INSERT INTO runs (${RUN_COLUMNS.join(', ')}) VALUES (${RUN_COLUMNS.map(() => '?').join(', ')})`,
  );
  const insertMechanism = db.prepare(
    'INSERT INTO mechanism_usage (run_id, mechanism, function_name, timestamp, context) VALUES (?, ?, ?, ?, ?)',
  );
  const insertResolution = db.prepare(
    'INSERT INTO resolution_assignments (run_id, entity_id, resolution, timepoint_id, timestamp) VALUES (?, ?, ?, ?, ?)',
  );
  const insertValidation = db.prepare(
    'INSERT INTO validations (run_id, validator_name, passed, timestamp, message, violations) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const random = seededRandom(seed);
  const batch = 50_000;
  const writeBatch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const run = makeRun(random, i, runs);
      insertRun.run(run.run);
      for (const row of run.mechanisms) insertMechanism.run(row);
      for (const row of run.resolutions) insertResolution.run(row);
      for (const row of run.validations) insertValidation.run(row);
      rows.mechanisms += run.mechanisms.length;
      rows.resolutions += run.resolutions.length;
      rows.validations += run.validations.length;
    }
  });
  const started = performance.now();
  for (let from = 0; from < runs; from += batch) {
    writeBatch(from, Math.min(runs, from + batch));
    if ((from / batch) % 4 === 3 || from + batch >= runs) {
      log(
        `  ${Math.min(runs, from + batch).toLocaleString('en')} runs (${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
    }
  }
  const indexStarted = performance.now();
  for (const { sql } of indexes) db.exec(sql);
  log(
    `  ${indexes.length} indexes re-created (${((performance.now() - indexStarted) / 1000).toFixed(1)} s)`,
  );
  // As the SDK leaves a writable file: WAL (persistent in the file header).
  db.pragma('journal_mode = WAL');
}

/** Child-table row counts of a file (read-only). */
function childCounts(file: string): BenchDatabase['rows'] {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const count = (table: string) =>
      db.prepare(`SELECT max(rowid) FROM ${table}`).pluck().get() as number;
    return {
      mechanisms: count('mechanism_usage') ?? 0,
      resolutions: count('resolution_assignments') ?? 0,
      validations: count('validations') ?? 0,
    };
  } finally {
    db.close();
  }
}

/** Parse `--size <n>` (also `--size=n`, `1m`, `200k`), `--dir <path>`, `--force`. */
export function parseGenerateArgs(argv: readonly string[]): GenerateOptions {
  const options: GenerateOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? '';
    if (flag === '--') continue;
    else if (flag === '--size') options.runs = parseSize(value());
    else if (flag === '--dir') options.dir = value();
    else if (flag === '--force') options.force = true;
    else throw new Error(`unknown argument "${arg}" (use --size <n>, --dir <path>, --force)`);
  }
  return options;
}

/** `1000000`, `1_000_000`, `1m`, `200k` → a number of runs. */
export function parseSize(text: string): number {
  const match = /^(\d[\d_]*)([km]?)$/i.exec(text.trim());
  if (!match)
    throw new Error(`--size must be a number of runs like 1000000, 200k or 1m, got "${text}"`);
  const n = Number(match[1]!.replaceAll('_', ''));
  const unit = match[2]!.toLowerCase();
  return unit === 'm' ? n * 1_000_000 : unit === 'k' ? n * 1_000 : n;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const result = await generateBenchDatabase({
    ...parseGenerateArgs(process.argv.slice(2)),
    log: (line) => console.log(line),
  });
  console.log(
    `${result.reused ? 'reused' : 'wrote'} ${result.file}\n` +
      `  ${result.runs.toLocaleString('en')} runs, ${result.rows.mechanisms.toLocaleString('en')} mechanism rows, ` +
      `${result.rows.resolutions.toLocaleString('en')} resolutions, ${result.rows.validations.toLocaleString('en')} validations\n` +
      `  ${(result.bytes / 1e6).toFixed(0)} MB${result.reused ? '' : `, generated in ${(result.ms / 1000).toFixed(1)} s`}`,
  );
}
