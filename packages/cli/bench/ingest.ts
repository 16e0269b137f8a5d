/**
 * `runmeta ingest` throughput: a generated pipeline's events piped into the
 * built CLI as one process, against a floor — the same rows written by
 * hand-written better-sqlite3 in this process, with the same transactions
 * (per run: the start, one group of its child events, the completion) and the
 * same JSON parsing of each line. Target: at least 20,000 events/s.
 *
 *   node --conditions=@runmeta/source --import tsx bench/ingest.ts [--runs 2000] [--reps 3] [--quick]
 *
 * `benchIngest` is exported for a bench runner that runs several benchmarks.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(PACKAGE_ROOT, 'dist', 'bin.js');

/** The shape of the generated pipeline. */
export interface IngestBenchOptions {
  /** Runs (each: start, mechanisms, resolutions, validations, complete). Default 2000. */
  runs?: number;
  mechanisms?: number;
  resolutions?: number;
  validations?: number;
  /** Timed repetitions of each side (the median is reported). Default 3. */
  reps?: number;
  log?: (line: string) => void;
}

/** Times of one side: wall-clock and CPU (user + system) ms, and events per second of each. */
export interface SideFigures {
  ms: number;
  cpuMs: number;
  eventsPerSecond: number;
  eventsPerCpuSecond: number;
}

/** What {@link benchIngest} measured (medians over the repetitions). */
export interface IngestBenchResult {
  events: number;
  inputBytes: number;
  /** `runmeta ingest` as a process, stdin piped, from spawn to exit (Node start-up included). */
  runmeta: SideFigures;
  /** Start-up alone: `runmeta ingest` on an empty input (which opens nothing). */
  startup: { ms: number; cpuMs: number };
  /** Peak resident memory of the ingest process, MiB (the largest of the repetitions). */
  peakRssMiB: number;
  /** Hand-written better-sqlite3, same transactions and JSON parsing, in this process. */
  floor: SideFigures;
}

/** Write the events of `runs` runs to `file`, one JSON object per line; returns the count. */
function generate(file: string, o: Required<Omit<IngestBenchOptions, 'reps' | 'log'>>): number {
  const out = fs.openSync(file, 'w');
  let events = 0;
  let buffer = '';
  const push = (event: object) => {
    buffer += `${JSON.stringify(event)}\n`;
    events++;
    if (buffer.length > 1 << 20) {
      fs.writeSync(out, buffer);
      buffer = '';
    }
  };
  const levels = ['tensor_only', 'scene', 'graph', 'DIALOG', 'trained'];
  for (let r = 0; r < o.runs; r++) {
    const runId = `bench_${String(r).padStart(6, '0')}`;
    push({
      event: 'start',
      runId,
      templateId: `template_${r % 12}`,
      causalMode: 'forward',
      tokenBudget: 50_000,
    });
    for (let m = 0; m < o.mechanisms; m++) {
      push({
        event: 'mechanism',
        runId,
        mechanism: `M${(m % 17) + 1}`,
        functionName: `step_${m}`,
        context: { step: m, entity: `e${m % 5}` },
      });
    }
    for (let i = 0; i < o.resolutions; i++) {
      push({
        event: 'resolution',
        runId,
        entityId: `e${i % 5}`,
        resolution: levels[i % levels.length],
        timepointId: `tp_${String(i).padStart(3, '0')}`,
      });
    }
    for (let v = 0; v < o.validations; v++) {
      push({
        event: 'validation',
        runId,
        validatorName: `validator_${v}`,
        passed: v % 2 === 0,
        violations: v % 2 === 0 ? [] : ['timeline gap'],
      });
    }
    push({
      event: 'complete',
      runId,
      entitiesCreated: 5,
      timepointsCreated: o.resolutions,
      costUsd: 0.04,
      tokensUsed: 43_650,
      llmCalls: 12,
    });
  }
  fs.writeSync(out, buffer);
  fs.closeSync(out);
  return events;
}

/**
 * Preloaded into the measured process: at exit it writes its CPU time and peak
 * memory to fd 3. The CLI itself is unchanged; wall time alone would mostly
 * measure how busy the machine is.
 */
const EXIT_REPORT = `require('node:process').on('exit', () => {
  const u = process.resourceUsage();
  require('node:fs').writeSync(3, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKiB: u.maxRSS }));
});`;

/** One measured run of the CLI. */
interface Measured {
  ms: number;
  cpuMs: number;
  rssMiB: number;
}

/** Pipe `file` into `runmeta --db <db> ingest`, as a pipeline would; its wall and CPU time, peak RSS. */
async function runIngest(file: string, db: string, hook: string): Promise<Measured> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--require', hook, BIN, '--db', db, 'ingest'], {
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  let report = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdout.resume();
  (child.stdio[3] as NodeJS.ReadableStream).setEncoding('utf8').on('data', (chunk: string) => {
    report += chunk;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  await pipeline(fs.createReadStream(file), child.stdin);
  const code = await exited;
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`runmeta ingest exited ${code}: ${stderr}`);
  const { cpuMs, maxRssKiB } = JSON.parse(report) as { cpuMs: number; maxRssKiB: number };
  return { ms, cpuMs, rssMiB: maxRssKiB / 1024 };
}

/** An empty v2 database made by runmeta itself, for the floor to write into. */
export async function emptyDatabase(db: string, hook: string): Promise<void> {
  const start = '{"event":"start","runId":"schema","templateId":"t","causalMode":"forward"}\n';
  const file = `${db}.seed.jsonl`;
  fs.writeFileSync(file, start);
  await runIngest(file, db, hook);
  const plain = new BetterSqlite3(db);
  plain.exec(`DELETE FROM runs WHERE run_id = 'schema'`);
  plain.close();
}

/**
 * The floor: the same input read and parsed line by line, the same rows written
 * with prepared statements, in the same transactions as `runmeta ingest` makes
 * (per run: the start; one group of child events, which first touches the run;
 * the completion, which reads the run and its assignments, then updates it).
 */
export async function floor(file: string, db: string): Promise<{ ms: number; cpuMs: number }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const client = new BetterSqlite3(db);
  client.pragma('journal_mode = WAL');
  client.pragma('synchronous = NORMAL');
  client.pragma('foreign_keys = ON');
  const insertRun = client.prepare(
    `INSERT INTO runs (run_id, template_id, created_at, updated_at, causal_mode, status, entities_created, timepoints_created, training_examples, cost_usd, llm_calls, tokens_used, schema_version, fidelity_strategy_json) VALUES (?, ?, ?, ?, ?, 'running', 0, 0, 0, 0, 0, 0, '2.0', ?)`,
  );
  const touch = client.prepare(
    `UPDATE runs SET updated_at = ? WHERE run_id = ? AND (status IS NULL OR lower(trim(status)) NOT IN ('completed', 'failed'))`,
  );
  const insertMechanism = client.prepare(
    'INSERT INTO mechanism_usage (run_id, mechanism, function_name, timestamp, context) VALUES (?, ?, ?, ?, ?)',
  );
  const insertResolution = client.prepare(
    'INSERT INTO resolution_assignments (run_id, entity_id, resolution, timepoint_id, timestamp) VALUES (?, ?, ?, ?, ?)',
  );
  const insertValidation = client.prepare(
    'INSERT INTO validations (run_id, validator_name, passed, timestamp, message, violations) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const state = client.prepare('SELECT status, fidelity_strategy_json FROM runs WHERE run_id = ?');
  const assignments = client.prepare(
    'SELECT id, entity_id, resolution, timestamp FROM resolution_assignments WHERE run_id = ?',
  );
  const completeRun = client.prepare(
    `UPDATE runs SET entities_created = ?, timepoints_created = ?, training_examples = ?, cost_usd = ?, llm_calls = ?, tokens_used = ?, status = 'completed', error_message = NULL, actual_tokens_used = ?, token_budget_compliance = ?, fidelity_distribution = ?, updated_at = ? WHERE run_id = ?`,
  );
  type Event = Record<string, unknown> & { event: string; runId: string };
  const group: Event[] = [];
  const writeGroup = client.transaction((events: Event[]) => {
    const now = new Date().toISOString();
    const runId = events[0]!.runId;
    touch.run(now, runId);
    for (const e of events) {
      const at = now;
      if (e.event === 'mechanism') {
        insertMechanism.run(runId, e.mechanism, e.functionName, at, JSON.stringify(e.context));
      } else if (e.event === 'resolution') {
        insertResolution.run(
          runId,
          e.entityId,
          String(e.resolution).toLowerCase(),
          e.timepointId,
          at,
        );
      } else {
        insertValidation.run(
          runId,
          e.validatorName,
          e.passed ? 1 : 0,
          at,
          null,
          JSON.stringify(e.violations),
        );
      }
    }
  });
  const start = client.transaction((e: Event) => {
    const now = new Date().toISOString();
    insertRun.run(
      e.runId,
      e.templateId,
      now,
      now,
      e.causalMode,
      JSON.stringify({ token_budget: e.tokenBudget }),
    );
  });
  const complete = client.transaction((e: Event) => {
    const row = state.get(e.runId) as { fidelity_strategy_json: string };
    const budget = JSON.parse(row.fidelity_strategy_json).token_budget as number;
    const levels: Record<string, number> = {};
    for (const a of assignments.all(e.runId) as { resolution: string }[]) {
      levels[a.resolution] = (levels[a.resolution] ?? 0) + 1;
    }
    const tokens = e.tokensUsed as number;
    completeRun.run(
      e.entitiesCreated,
      e.timepointsCreated,
      0,
      e.costUsd,
      e.llmCalls,
      tokens,
      tokens,
      tokens / budget,
      JSON.stringify(levels),
      new Date().toISOString(),
      e.runId,
    );
  });
  const flush = () => {
    if (group.length) writeGroup(group.splice(0));
  };
  let rest = '';
  for await (const chunk of fs.createReadStream(file, { encoding: 'utf8' })) {
    const text = rest + chunk;
    const lines = text.split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      if (!line) continue;
      const e = JSON.parse(line) as Event;
      if (e.event === 'start' || e.event === 'complete') {
        flush();
        (e.event === 'start' ? start : complete)(e);
      } else {
        if (group.length && (group[0]!.runId !== e.runId || group.length >= 1000)) flush();
        group.push(e);
      }
    }
  }
  flush();
  client.close();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Count rows the way the floor and runmeta both must have written them. */
function rowCounts(db: string): string {
  const plain = new BetterSqlite3(db, { readonly: true });
  const count = (table: string) =>
    (plain.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const counts = ['runs', 'mechanism_usage', 'resolution_assignments', 'validations'].map(count);
  plain.close();
  return counts.join('/');
}

/**
 * Generate the events, then time `runmeta ingest` (a process, stdin piped) and
 * the better-sqlite3 floor, alternating, `reps` times each; report the medians.
 */
export async function benchIngest(options: IngestBenchOptions = {}): Promise<IngestBenchResult> {
  const shape = {
    runs: options.runs ?? 2000,
    mechanisms: options.mechanisms ?? 50,
    resolutions: options.resolutions ?? 10,
    validations: options.validations ?? 2,
  };
  const reps = options.reps ?? 3;
  const log = options.log ?? (() => {});
  if (!fs.existsSync(BIN)) throw new Error(`build the CLI first: ${BIN} is missing`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeta-bench-ingest-'));
  try {
    const file = path.join(dir, 'events.jsonl');
    const events = generate(file, shape);
    const inputBytes = fs.statSync(file).size;
    log(
      `ingest: ${shape.runs} runs × (start + ${shape.mechanisms} mechanisms + ${shape.resolutions} resolutions + ${shape.validations} validations + complete) = ${events} events, ${(inputBytes / 2 ** 20).toFixed(1)} MiB`,
    );
    const empty = path.join(dir, 'empty.jsonl');
    fs.writeFileSync(empty, '');
    const hook = path.join(dir, 'exit-report.cjs');
    fs.writeFileSync(hook, EXIT_REPORT);
    const runmeta: Measured[] = [];
    const floors: { ms: number; cpuMs: number }[] = [];
    const startup: Measured[] = [];
    for (let i = 0; i < reps; i++) {
      const db = path.join(dir, `runmeta-${i}.db`);
      const base = path.join(dir, `floor-${i}.db`);
      await emptyDatabase(base, hook);
      const sides: (() => Promise<void>)[] = [
        async () => void runmeta.push(await runIngest(file, db, hook)),
        async () => void floors.push(await floor(file, base)),
      ];
      // Alternate which side goes first, so drift (page cache, load) hits both.
      if (i % 2) sides.reverse();
      for (const side of sides) await side();
      startup.push(await runIngest(empty, path.join(dir, 'never.db'), hook));
      const counts = rowCounts(db);
      if (counts !== rowCounts(base)) {
        throw new Error(`rows differ: ${counts} vs ${rowCounts(base)}`);
      }
      const r = runmeta.at(-1)!;
      const f = floors.at(-1)!;
      log(
        `  rep ${i + 1}: runmeta ${r.ms.toFixed(0)} ms (CPU ${r.cpuMs.toFixed(0)} ms), floor ${f.ms.toFixed(0)} ms (CPU ${f.cpuMs.toFixed(0)} ms); rows runs/mechanisms/resolutions/validations ${counts}`,
      );
      for (const name of [db, base]) {
        for (const suffix of ['', '-wal', '-shm']) fs.rmSync(name + suffix, { force: true });
      }
    }
    const figures = (sides: readonly { ms: number; cpuMs: number }[]): SideFigures => {
      const ms = median(sides.map((x) => x.ms));
      const cpuMs = median(sides.map((x) => x.cpuMs));
      return {
        ms,
        cpuMs,
        eventsPerSecond: events / (ms / 1000),
        eventsPerCpuSecond: events / (cpuMs / 1000),
      };
    };
    return {
      events,
      inputBytes,
      runmeta: figures(runmeta),
      startup: {
        ms: median(startup.map((x) => x.ms)),
        cpuMs: median(startup.map((x) => x.cpuMs)),
      },
      peakRssMiB: Math.max(...runmeta.map((x) => x.rssMiB)),
      floor: figures(floors),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `--runs N`, `--reps N`, `--quick` (200 runs, one rep). */
function parseArgs(argv: readonly string[]): IngestBenchOptions {
  const options: IngestBenchOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${arg} needs a whole number`);
      return n;
    };
    if (arg === '--') continue;
    if (arg === '--quick') Object.assign(options, { runs: 200, reps: 1 });
    else if (arg === '--runs') options.runs = value();
    else if (arg === '--reps') options.reps = value();
    else throw new Error(`unknown argument "${arg}" (use --runs N, --reps N, --quick)`);
  }
  return options;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const log = (line: string) => console.log(line);
  const result = await benchIngest({ ...parseArgs(process.argv.slice(2)), log });
  const rate = (n: number) => `${Math.round(n).toLocaleString('en-US')} events/s`;
  const side = (f: SideFigures) =>
    `${f.ms.toFixed(0)} ms = ${rate(f.eventsPerSecond)}; CPU ${f.cpuMs.toFixed(0)} ms = ${rate(f.eventsPerCpuSecond)} of CPU`;
  const { runmeta, floor: base } = result;
  log('');
  log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${os.availableParallelism()} CPUs`,
  );
  log(`runmeta ingest (a process, stdin piped): ${side(runmeta)}`);
  log(
    `  of which start-up (empty input): ${result.startup.ms.toFixed(0)} ms, CPU ${result.startup.cpuMs.toFixed(0)} ms; peak RSS ${result.peakRssMiB.toFixed(0)} MiB`,
  );
  log(`floor (hand-written better-sqlite3, same transactions, in-process): ${side(base)}`);
  log(
    `runmeta / floor: ${(runmeta.ms / base.ms).toFixed(2)}× the wall time, ${(runmeta.cpuMs / base.cpuMs).toFixed(2)}× the CPU time`,
  );
  log(`target ≥ 20,000 events/s (wall): ${runmeta.eventsPerSecond >= 20_000 ? 'met' : 'NOT met'}`);
}
