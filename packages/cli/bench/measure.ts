/**
 * Timing a command as a real process: wall time from spawn to exit, measured
 * here, and peak RSS and CPU time (user + system) from `/usr/bin/time -f '%M %U
 * %S'` when the machine has it — else, for Node processes, from the process
 * itself (`process.resourceUsage()` at exit, through a preloaded script); a
 * process that is neither has neither. CPU time is what to compare on a busy
 * machine, where wall time includes waiting for a core.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * GNU time, when present: it reports the child's peak RSS (`%M`, in KiB) and CPU
 * time. `RUNMETA_BENCH_NO_GNU_TIME=1` measures as on a machine without it.
 */
export const GNU_TIME = process.env.RUNMETA_BENCH_NO_GNU_TIME
  ? null
  : (['/usr/bin/time'].find((file) => fs.existsSync(file)) ?? null);

/** One finished run of a command. */
export interface Sample {
  ms: number;
  /** Peak resident set size in bytes; null when it could not be measured. */
  rssBytes: number | null;
  /** User + system CPU time in ms; null when it could not be measured. */
  cpuMs: number | null;
  /** Exit code (null when killed). */
  code: number | null;
  /** The end of stderr, to say why a run failed. */
  stderr: string;
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'runmeta-bench-measure-'));
process.on('exit', () => fs.rmSync(scratch, { recursive: true, force: true }));

/**
 * Where the preloaded script writes a Node process's peak RSS when GNU time is
 * missing (`--require` it; it writes its `maxRSS` in KiB to RUNMETA_BENCH_RSS).
 */
const RSS_REPORTER = path.join(scratch, 'rss-reporter.cjs');
fs.writeFileSync(
  RSS_REPORTER,
  "process.on('exit', () => { try { const u = process.resourceUsage(); require('node:fs').writeFileSync(process.env.RUNMETA_BENCH_RSS, [u.maxRSS, u.userCPUTime / 1e6, u.systemCPUTime / 1e6].join(' ')); } catch {} });\n",
);

let counter = 0;

/**
 * Run `command args` with stdout to /dev/null and stdin closed, at most
 * `timeoutMs` (then killed: `code` null). `node` commands get the RSS reporter
 * when GNU time is missing.
 */
export function measure(command: string, args: string[], timeoutMs: number): Promise<Sample> {
  const rssFile = path.join(scratch, `rss-${counter++}`);
  let argv: string[];
  const env = { ...process.env, NO_COLOR: '1', RUNMETA_BENCH_RSS: rssFile };
  if (GNU_TIME) argv = [GNU_TIME, '-f', '%M %U %S', '-o', rssFile, command, ...args];
  else if (command === process.execPath) argv = [command, '--require', RSS_REPORTER, ...args];
  else argv = [command, ...args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-2_000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      clearTimeout(timer);
      let rssBytes: number | null = null;
      let cpuMs: number | null = null;
      try {
        // "<KiB> <user s> <system s>"; GNU time writes "Command exited with
        // non-zero status N" on a line before it on failure.
        const last = fs.readFileSync(rssFile, 'utf8').trim().split('\n').at(-1) ?? '';
        const [kib, user, system] = last.split(' ').map(Number);
        if (Number.isFinite(kib) && kib! > 0) rssBytes = kib! * 1024;
        if (Number.isFinite(user) && Number.isFinite(system)) cpuMs = (user! + system!) * 1000;
        fs.rmSync(rssFile, { force: true });
      } catch {
        // Not measured (killed, or neither GNU time nor Node).
      }
      resolve({ ms, rssBytes, cpuMs, code, stderr });
    });
  });
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Medians of samples that all succeeded (time, and RSS and CPU when every sample has them). */
export function summarize(samples: readonly Sample[]): {
  ms: number;
  rssBytes: number | null;
  cpuMs: number | null;
} {
  const of = (values: (number | null)[]) =>
    values.every((v) => v !== null) ? median(values as number[]) : null;
  return {
    ms: median(samples.map((s) => s.ms)),
    rssBytes: of(samples.map((s) => s.rssBytes)),
    cpuMs: of(samples.map((s) => s.cpuMs)),
  };
}
