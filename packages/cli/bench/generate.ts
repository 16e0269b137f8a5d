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
import { MetadataManager } from '@runmeta/core';
import { quoteIdent } from '@runmeta/core/adapter';
import { seededRandom } from '@runmeta/core/demo';
import { createNodeSqliteAdapter } from '@runmeta/node-sqlite';
import BetterSqlite3 from 'better-sqlite3';
import { makeRun, type NamedRow } from './generate-runs.js';

/**
 * Bump when the generated rows change: the version is part of the cached file's
 * name, so a stale cache is never reused. (A change of the SDK's schema changes
 * the name on its own: see {@link generateBenchDatabase}.)
 */
export const GENERATOR_VERSION = 2;

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
      const schema = schemaSql(db);
      const fingerprint = createHash('sha256').update(schema.join('\n')).digest('hex').slice(0, 8);
      name = benchDatabaseName(runs, fingerprint);
      const target = path.join(dir, name);
      if (!options.force && fs.existsSync(target)) {
        // The cache is in a shared temp folder: reuse the file only as it was made
        // (someone's CREATE INDEX on it would change every figure silently).
        const changed = cachedFileChanged(target, schema, runs);
        if (!changed) {
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
        log(`${target} was changed since it was generated (${changed}): generating it again`);
      }
      log(`generating ${runs.toLocaleString('en')} runs → ${target}`);
      fill(db, runs, options.seed ?? 15, rows, log);
    } finally {
      if (db.open) db.close();
    }
    const target = path.join(dir, name);
    // A -wal left beside an older file of this name would be read as this one's.
    for (const suffix of ['-wal', '-shm']) fs.rmSync(target + suffix, { force: true });
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
  for (const { name } of indexes) db.exec(`DROP INDEX ${quoteIdent(name)}`);
  // Columns by name: each statement lists the columns of the row it is given
  // and binds them as named parameters (`@run_id`), so no value depends on a position.
  const statements = new Map<string, BetterSqlite3.Statement>();
  const insert = (table: string, row: NamedRow) => {
    let statement = statements.get(table);
    if (!statement) {
      const names = Object.keys(row);
      statement = db.prepare(
        `INSERT INTO ${quoteIdent(table)} (${names.map(quoteIdent).join(', ')}) VALUES (${names.map((n) => `@${n}`).join(', ')})`,
      );
      statements.set(table, statement);
    }
    statement.run(row);
  };
  const random = seededRandom(seed);
  const batch = 50_000;
  const writeBatch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const run = makeRun(random, i, runs);
      insert('runs', run.run);
      for (const row of run.mechanisms) insert('mechanism_usage', row);
      for (const row of run.resolutions) insert('resolution_assignments', row);
      for (const row of run.validations) insert('validations', row);
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
  // As the SDK's writers leave a file: with the query planner's statistics, which
  // the first writer to close gathers (`afterWrites` in core's SQLite dialect).
  const analyzeStarted = performance.now();
  db.exec('ANALYZE');
  log(`  statistics gathered (${((performance.now() - analyzeStarted) / 1000).toFixed(1)} s)`);
  // As the SDK leaves a writable file: WAL (persistent in the file header).
  db.pragma('journal_mode = WAL');
}

/** Why a cached file is not as generated (its schema or run count differs), or null. */
function cachedFileChanged(file: string, schema: readonly string[], runs: number): string | null {
  try {
    const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    try {
      const now = schemaSql(db);
      const added = now.filter((sql) => !schema.includes(sql));
      const removed = schema.filter((sql) => !now.includes(sql));
      if (added.length || removed.length) {
        return `schema: ${[...added.map((q) => `+ ${q}`), ...removed.map((q) => `- ${q}`)].join('; ')}`;
      }
      const count = db.prepare('SELECT count(*) FROM runs').pluck().get() as number;
      return count === runs ? null : `${count} runs instead of ${runs}`;
    } finally {
      db.close();
    }
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
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
