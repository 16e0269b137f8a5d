/**
 * Shared bench helpers: argv, temp folders, alternating repetitions, the table.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Command-line options of `bench/run.ts`. */
export interface BenchOptions {
  /** Smaller sizes, for a quick look. */
  quick: boolean;
  /** Workload ids (or prefixes: `W3` runs W3a and W3b) to run; null runs all. */
  only: string[] | null;
}

/** Parse `--quick`, `--only W1` / `--only=W1,W3` (repeatable). */
export function parseArgs(argv: readonly string[]): BenchOptions {
  const only: string[] = [];
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    if (arg === '--quick') quick = true;
    else if (arg === '--only') only.push(...(argv[++i] ?? '').split(','));
    else if (arg.startsWith('--only=')) only.push(...arg.slice('--only='.length).split(','));
    else throw new Error(`unknown argument "${arg}" (use --quick and/or --only W1)`);
  }
  const ids = only.map((s) => s.trim().toUpperCase()).filter(Boolean);
  return { quick, only: ids.length ? ids : null };
}

/** Whether a workload id is selected by `--only`. */
export function selected(options: BenchOptions, id: string): boolean {
  return !options.only || options.only.some((o) => id.toUpperCase().startsWith(o));
}

/** A fresh folder under the OS temp folder. */
export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `runmeta-bench-${label}-`));
}

/** Remove a folder made by {@link tempDir}. */
export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One timed side: does its own untimed setup/teardown and returns the timed ms. */
export type Timed = () => Promise<number>;

/**
 * Run baseline and runmeta `reps` times each in this process, after one untimed
 * warm-up round, alternating which goes first (B R, R B, B R, ...) so drift
 * (page cache, heap, thermals) hits both.
 */
export async function alternate(
  reps: number,
  baseline: Timed,
  runmeta: Timed,
  log: (line: string) => void = () => {},
): Promise<{ baseline: number[]; runmeta: number[] }> {
  const out = { baseline: [] as number[], runmeta: [] as number[] };
  // One untimed round first: JIT, page cache and the allocator warm up for both
  // sides alike instead of penalising whichever happens to run first.
  await baseline();
  await runmeta();
  log('    (one warm-up round per side, not counted)');
  for (let i = 0; i < reps; i++) {
    const order: ['baseline' | 'runmeta', Timed][] = [
      ['baseline', baseline],
      ['runmeta', runmeta],
    ];
    if (i % 2) order.reverse();
    for (const [name, fn] of order) {
      const ms = await fn();
      out[name].push(ms);
      log(`    rep ${i + 1}/${reps} ${name.padEnd(8)} ${ms.toFixed(1)} ms`);
    }
  }
  return out;
}

/** Time an async function, in ms. */
export async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** One line of the result table. */
export interface ResultRow {
  workload: string;
  /** Median baseline ms; null when the target is absolute. */
  baselineMs: number | null;
  runmetaMs: number;
  /** `ratio` targets compare runmeta/baseline; `absolute` compares runmeta ms. */
  target: { kind: 'ratio'; max: number } | { kind: 'absolute'; maxMs: number };
  /** Repetitions per side. */
  reps: number;
}

/** Whether a row meets its target. */
export function passes(row: ResultRow): boolean {
  if (row.target.kind === 'absolute') return row.runmetaMs <= row.target.maxMs;
  return row.baselineMs !== null && row.runmetaMs / row.baselineMs <= row.target.max;
}

/** The result table as text. */
export function formatTable(rows: readonly ResultRow[]): string {
  const header = ['workload', 'baseline ms', 'runmeta ms', 'ratio', 'target', 'result'];
  const lines = rows.map((row) => [
    `${row.workload} (n=${row.reps})`,
    row.baselineMs === null ? '—' : row.baselineMs.toFixed(1),
    row.runmetaMs.toFixed(1),
    row.baselineMs === null ? '—' : `${(row.runmetaMs / row.baselineMs).toFixed(2)}×`,
    row.target.kind === 'ratio' ? `≤ ${row.target.max}×` : `≤ ${row.target.maxMs} ms`,
    passes(row) ? 'PASS' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n');
}

/** Deterministic PRNG (core's mulberry32), so both sides see the same data. */
export { seededRandom as prng } from '@runmeta/core/demo';

/** Pick one element with a PRNG. */
export function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

/** Human size of a file. */
export function fileSize(file: string): string {
  return `${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MiB`;
}
