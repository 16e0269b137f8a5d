/**
 * `pnpm bench` for the CLI: every question of `questions.ts` asked of a generated
 * database (default 1,000,000 runs, cached) as real processes — the built
 * `runmeta` (`dist/bin.js`) and the raw `sqlite3` CLI answering the same in SQL —
 * one untimed warm-up each, then alternating, medians of `--reps` runs. Prints a
 * markdown table: question | runmeta | raw sqlite3 | target.
 *
 *   node --conditions=@runmeta/source --import tsx bench/run.ts [--size 1m] [--reps 5] [--only status,report] [--db file] [--max-seconds 30]
 *
 * @packageDocumentation
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { DEFAULT_RUNS, generateBenchDatabase, parseSize } from './generate.js';
import { GNU_TIME, measure, type Sample, summarize } from './measure.js';
import { QUESTIONS, type Question, type QuestionContext } from './questions.js';

const PACKAGE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let BIN = path.join(PACKAGE, 'dist', 'bin.js');
/** The raw side's CLI; without it (or with RUNMETA_BENCH_NO_SQLITE3=1), better-sqlite3 in a process. */
const SQLITE3 = process.env.RUNMETA_BENCH_NO_SQLITE3
  ? null
  : (['/usr/bin/sqlite3', '/usr/local/bin/sqlite3'].find((f) => fs.existsSync(f)) ?? null);

interface Options {
  runs: number;
  reps: number;
  only: string[] | null;
  db: string | null;
  /** A question whose warm-up run takes longer is reported from that one run. */
  maxSeconds: number;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { runs: DEFAULT_RUNS, reps: 5, only: null, db: null, maxSeconds: 30 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? '';
    if (flag === '--') continue;
    else if (flag === '--size') options.runs = parseSize(value());
    else if (flag === '--reps') options.reps = Math.max(1, Number.parseInt(value(), 10) || 5);
    else if (flag === '--only')
      options.only = value()
        .split(',')
        .map((s) => s.trim());
    else if (flag === '--db') options.db = path.resolve(value());
    else if (flag === '--max-seconds') options.maxSeconds = Number(value()) || 30;
    // Another build of the CLI (an older checkout's dist/bin.js), for before/after figures.
    else if (flag === '--bin') BIN = path.resolve(value());
    else {
      throw new Error(
        `unknown argument "${arg}" (use --size <n>, --reps <n>, --only <ids>, --db <file>, --max-seconds <s>, --bin <dist/bin.js>)`,
      );
    }
  }
  if (options.only) {
    const unknown = options.only.filter((id) => !QUESTIONS.some((q) => q.id === id));
    if (unknown.length) {
      throw new Error(
        `--only: no question ${unknown.join(', ')} (${QUESTIONS.map((q) => q.id).join(', ')})`,
      );
    }
  }
  return options;
}

/** One side of a question, as measured. */
type Result =
  | {
      kind: 'ok';
      ms: number;
      rssBytes: number | null;
      cpuMs: number | null;
      reps: number;
      capped: boolean;
    }
  | { kind: 'missing' }
  | { kind: 'failed'; why: string };

/** Whether this build has the command (`runmeta <words> --help` prints its own usage). */
async function hasCommand(words: readonly string[]): Promise<boolean> {
  if (words.length === 0) return true;
  const { execFileSync } = await import('node:child_process');
  try {
    const help = execFileSync(process.execPath, [BIN, ...words, '--help'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return help.startsWith(`Usage: runmeta ${words.join(' ')} `);
  } catch {
    return false;
  }
}

/** The raw side's command line: `sqlite3 -readonly`, or better-sqlite3 in a Node process. */
function rawCommand(file: string, sql: string): [string, string[]] {
  if (SQLITE3) return [SQLITE3, ['-readonly', file, sql]];
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const script =
    'const B = require(process.argv[1]); const db = new B(process.argv[2], { readonly: true });' +
    " for (const s of process.argv[3].split(';')) if (s.trim()) db.prepare(s).all();";
  return [process.execPath, ['-e', script, driver, file, sql]];
}

/** The runmeta side's command line (the baseline: `node -e 0`). */
function runmetaCommand(question: Question, context: QuestionContext): [string, string[]] {
  if (!question.args) return [process.execPath, ['-e', '0']];
  return [process.execPath, [BIN, '--db', context.file, ...question.args(context)]];
}

const describeFailure = (sample: Sample) =>
  sample.code === null
    ? 'killed (timeout)'
    : `exit ${sample.code}: ${sample.stderr.trim().split('\n').at(-1) ?? ''}`;

/**
 * Time both sides of a question: one untimed warm-up each (page cache, and the
 * check that it works at all), then `reps` rounds alternating which goes first.
 */
async function ask(
  question: Question,
  context: QuestionContext,
  options: Options,
  log: (line: string) => void,
): Promise<{ runmeta: Result; raw: Result }> {
  const sides: { name: 'runmeta' | 'raw'; command: [string, string[]] | null }[] = [
    {
      name: 'runmeta',
      command: (await hasCommand(question.command)) ? runmetaCommand(question, context) : null,
    },
    {
      name: 'raw',
      command: rawCommand(context.file, question.sql ? question.sql(context) : 'SELECT 1'),
    },
  ];
  const timeoutMs = Math.max(options.maxSeconds * 1000 * 10, 600_000);
  const results: Record<'runmeta' | 'raw', Result> = {
    runmeta: { kind: 'missing' },
    raw: { kind: 'missing' },
  };
  const samples: Record<'runmeta' | 'raw', Sample[]> = { runmeta: [], raw: [] };
  const active = sides.filter((side) => side.command);
  for (const side of [...active]) {
    const [command, args] = side.command!;
    const warm = await measure(command, args, timeoutMs);
    log(
      `    warm-up ${side.name.padEnd(7)} ${warm.ms.toFixed(0)} ms${warm.code ? ` (${describeFailure(warm)})` : ''}`,
    );
    if (warm.code !== 0) {
      results[side.name] = { kind: 'failed', why: describeFailure(warm) };
      active.splice(active.indexOf(side), 1);
    } else if (warm.ms > options.maxSeconds * 1000) {
      // Too slow to repeat on a shared machine: the one run is the figure.
      results[side.name] = { ...summarize([warm]), kind: 'ok', reps: 1, capped: true };
      active.splice(active.indexOf(side), 1);
    }
  }
  for (let rep = 0; rep < options.reps; rep++) {
    const order = rep % 2 ? [...active].reverse() : active;
    for (const side of order) {
      const [command, args] = side.command!;
      const sample = await measure(command, args, timeoutMs);
      if (sample.code !== 0) {
        results[side.name] = { kind: 'failed', why: describeFailure(sample) };
        active.splice(active.indexOf(side), 1);
        continue;
      }
      samples[side.name].push(sample);
    }
  }
  for (const side of active) {
    const list = samples[side.name];
    if (list.length)
      results[side.name] = { ...summarize(list), kind: 'ok', reps: list.length, capped: false };
  }
  log(`    runmeta ${format(results.runmeta)} | raw ${format(results.raw)}`);
  return results;
}

function format(result: Result): string {
  if (result.kind === 'missing') return 'n/a (missing)';
  if (result.kind === 'failed') return `failed (${result.why})`;
  const ms = (value: number) =>
    value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(0)} ms`;
  // GNU time counts CPU in 10 ms steps.
  const cpu =
    result.cpuMs === null ? '' : ` (cpu ${result.cpuMs < 10 ? '< 10 ms' : ms(result.cpuMs)})`;
  const rss = result.rssBytes === null ? '' : `, ${(result.rssBytes / 2 ** 20).toFixed(0)} MB`;
  return `${ms(result.ms)}${cpu}${rss}${result.capped ? ', 1 run' : ''}`;
}

function formatTarget(question: Question): string {
  if (!question.target) return '—';
  const { ms, rssMb } = question.target;
  return `≤ ${ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`}${rssMb ? `, ≤ ${rssMb} MB` : ''}`;
}

function verdict(question: Question, result: Result): string {
  if (!question.target || result.kind !== 'ok') return '';
  const timeOk = result.ms <= question.target.ms;
  const rssOk =
    question.target.rssMb === undefined ||
    (result.rssBytes !== null && result.rssBytes <= question.target.rssMb * 2 ** 20);
  return timeOk && rssOk ? 'yes' : 'no';
}

/** Ten run ids spread evenly over the file. */
function spreadRunIds(file: string, runs: number): string[] {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const get = db.prepare('SELECT run_id FROM runs WHERE rowid = ?').pluck();
    return Array.from({ length: 10 }, (_, k) => get.get(1 + Math.floor((k * runs) / 10)) as string);
  } finally {
    db.close();
  }
}

function machine(): string {
  const memory = new BetterSqlite3(':memory:');
  const sqlite = memory.prepare('SELECT sqlite_version()').pluck().get() as string;
  memory.close();
  return [
    `node ${process.version}`,
    `nproc ${os.availableParallelism()}`,
    `load ${os.loadavg()[0]!.toFixed(2)}`,
    os.cpus()[0]?.model ?? 'cpu?',
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
    `better-sqlite3 on SQLite ${sqlite}`,
    `raw side: ${SQLITE3 ? `${SQLITE3} -readonly` : 'better-sqlite3 in a node process'}`,
    `RSS: ${GNU_TIME ? `${GNU_TIME} -f %M` : 'process.resourceUsage().maxRSS (node processes only)'}`,
  ].join(' | ');
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const log = (line: string) => console.log(line);
  if (!fs.existsSync(BIN)) throw new Error(`${BIN} is missing: build the CLI first (pnpm build)`);
  log(`runmeta CLI bench: ${BIN}\n${machine()}`);
  let file: string;
  let runs: number;
  if (options.db) {
    file = options.db;
    const db = new BetterSqlite3(file, { readonly: true });
    runs = db.prepare('SELECT count(*) FROM runs').pluck().get() as number;
    db.close();
  } else {
    const generated = await generateBenchDatabase({ runs: options.runs, log });
    ({ file, runs } = generated);
    log(
      `${generated.reused ? 'reusing' : 'generated'} ${file} (${(generated.bytes / 1e6).toFixed(0)} MB` +
        `${generated.reused ? '' : `, ${(generated.ms / 1000).toFixed(1)} s`})`,
    );
  }
  const context: QuestionContext = { file, runs, runIds: spreadRunIds(file, runs) };
  const questions = QUESTIONS.filter((q) => !options.only || options.only.includes(q.id));
  const rows: string[][] = [];
  for (const question of questions) {
    log(`\n${question.id}: ${question.title}`);
    const { runmeta, raw } = await ask(question, context, options, log);
    rows.push([
      question.title,
      format(runmeta),
      format(raw),
      formatTarget(question),
      verdict(question, runmeta),
    ]);
  }
  const header = ['question', 'runmeta', 'raw sqlite3', 'target', 'met'];
  log(
    `\n${runs.toLocaleString('en')} runs, ${(fs.statSync(file).size / 1e6).toFixed(0)} MB; ` +
      `median of ${options.reps} runs after one warm-up: wall time (CPU time, user + system), peak RSS\n`,
  );
  log(`| ${header.join(' | ')} |`);
  log(`| ${header.map(() => '---').join(' | ')} |`);
  for (const row of rows) log(`| ${row.join(' | ')} |`);
  log('\nCommands (runmeta side: node dist/bin.js --db <file> …; raw side: the SQL below):');
  for (const question of questions) {
    const [, args] = runmetaCommand(question, context);
    const shown = question.args ? ['runmeta', ...args.slice(3)] : ['node', ...args];
    log(`- ${question.id}: ${shown.map(shellQuote).join(' ')}`);
    log(`  sql: ${question.sql ? question.sql(context) : 'SELECT 1'}`);
  }
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

await main();
