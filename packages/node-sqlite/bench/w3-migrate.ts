/**
 * W3 migrate a v1 file: (a) the archive strategy, an absolute target that must
 * not grow with the file; (b) carry-over vs a raw `VACUUM INTO` of the same file.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  MetadataManager,
  type MigrationProgress,
  type MigrationStrategy,
  RESOLUTION_LEVELS,
} from '@runmeta/core';
import { schemaDdl } from '@runmeta/core/adapter';
import BetterSqlite3 from 'better-sqlite3';
import { createNodeSqliteAdapter } from '../src/index.js';
import {
  alternate,
  fileSize,
  median,
  pick,
  prng,
  type ResultRow,
  removeDir,
  tempDir,
  time,
} from './lib.js';

const TEMPLATES = ['board_meeting', 'jefferson_dinner', 'mars_colony', 'hospital_crisis'];
const MODES = ['forward', 'directorial', 'branching', 'cyclical', 'portal'];
const MECHANISMS = Array.from({ length: 17 }, (_, i) => `M${i + 1}`);

/** Child rows per run in the generated v1 file (stated in the output). */
export const V1_CHILD_ROWS = '1 resolution per run, 1 mechanism per 10 runs, no validations';

/**
 * Build a documented-v1 file (schemaDdl('v1'), rollback journal as the earlier
 * tool left it) raw, in one transaction.
 */
export function buildV1File(file: string, runs: number): void {
  const random = prng(3);
  const db = new BetterSqlite3(file);
  try {
    for (const sql of schemaDdl('v1')) db.exec(sql);
    const insertRun = db.prepare(
      `INSERT INTO runs (run_id, template_id, created_at, updated_at, causal_mode, goal,
        origin_description, entities_created, timepoints_created, training_examples, cost_usd,
        llm_calls, tokens_used, oxen_repo_url, oxen_dataset_url, error_message, status,
        portal_description, portal_year, origin_year, backward_steps)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertResolution = db.prepare(
      `INSERT INTO resolution_assignments (run_id, entity_id, resolution, timepoint_id, timestamp)
       VALUES (?, ?, ?, ?, ?)`,
    );
    const insertMechanism = db.prepare(
      `INSERT INTO mechanism_usage (run_id, mechanism, function_name, timestamp, context)
       VALUES (?, ?, ?, ?, ?)`,
    );
    const base = Date.UTC(2023, 0, 1);
    db.transaction(() => {
      for (let i = 0; i < runs; i++) {
        // Zone-less microsecond timestamps, as the earlier (Python) tool wrote them.
        const created = `${new Date(base + i * 20_000).toISOString().slice(0, 23)}120`;
        const updated = `${new Date(base + i * 20_000 + 9_000).toISOString().slice(0, 23)}120`;
        const day = created.slice(0, 10).replaceAll('-', '');
        const runId = `run_${day}_${i.toString(16).padStart(8, '0')}`;
        const failed = random() < 0.05;
        const mode = pick(random, MODES);
        const tokens = 5_000 + Math.floor(random() * 80_000);
        insertRun.run(
          runId,
          pick(random, TEMPLATES),
          created,
          updated,
          mode,
          'Simulate the board deciding on the acquisition offer',
          'Q3 2024, the offer has just arrived',
          2 + Math.floor(random() * 10),
          1 + Math.floor(random() * 12),
          2,
          Math.round(tokens * 0.0009) / 1000,
          12,
          tokens,
          i % 50 === 0 ? `https://hub.oxen.ai/runmeta/runs-${i}` : null,
          null,
          failed ? 'LLM provider timed out after 3 retries' : null,
          failed ? 'failed' : 'completed',
          mode === 'portal' ? 'The merger closed' : null,
          mode === 'portal' ? 2026 : null,
          2024,
          mode === 'portal' ? 4 : null,
        );
        insertResolution.run(runId, 'entity_0', pick(random, RESOLUTION_LEVELS), 'tp_000', updated);
        if (i % 10 === 0) {
          insertMechanism.run(runId, pick(random, MECHANISMS), 'resolve_entity', updated, null);
        }
      }
    })();
  } finally {
    db.close();
  }
}

/** Time (ms) spent per migration step, from `onMigrationProgress` events. */
export type StepTimes = Record<string, number>;

/**
 * Copy `source` to `target` and flush it to disk (untimed): otherwise the first
 * fsync inside the timed section pays for writing back the whole fresh copy.
 */
function freshCopy(source: string, target: string): void {
  fs.copyFileSync(source, target);
  const fd = fs.openSync(target, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Open a fresh copy of `source` with MetadataManager; returns the timed ms and step times. */
async function openCopy(
  source: string,
  strategy: MigrationStrategy,
): Promise<{ ms: number; steps: StepTimes }> {
  const dir = tempDir(`w3-${strategy}`);
  try {
    freshCopy(source, path.join(dir, 'runs.db'));
    const marks: [string, number][] = [];
    const onMigrationProgress = (p: MigrationProgress) => {
      if (marks.at(-1)?.[0] !== p.step) marks.push([p.step, performance.now()]);
    };
    const adapter = createNodeSqliteAdapter({ directory: dir });
    const start = performance.now();
    const manager = await MetadataManager.open({
      adapter,
      migration: { strategy },
      onMigrationProgress,
    });
    const end = performance.now();
    try {
      if (manager.migration?.strategy !== strategy) throw new Error(`W3: no ${strategy} migration`);
    } finally {
      await manager.close();
    }
    const steps: StepTimes = { 'inspect+lock': (marks[0]?.[1] ?? end) - start };
    marks.forEach(([step, at], i) => {
      const label = step === 'verify' ? 'verify+reopen' : step;
      steps[label] = (marks[i + 1]?.[1] ?? end) - at;
    });
    return { ms: end - start, steps };
  } finally {
    removeDir(dir);
  }
}

/** Baseline of (b): raw `VACUUM INTO` of a fresh copy of the same file. */
function vacuumInto(source: string): number {
  const dir = tempDir('w3-vacuum');
  try {
    const file = path.join(dir, 'runs.db');
    freshCopy(source, file);
    const target = path.join(dir, 'vacuumed.db');
    // Timed: open, VACUUM INTO, close (runmeta's open also opens and closes files).
    const start = performance.now();
    const db = new BetterSqlite3(file);
    db.prepare('VACUUM INTO ?').run(target);
    db.close();
    return performance.now() - start;
  } finally {
    removeDir(dir);
  }
}

/** Median of each step over repetitions, as one line. */
export function formatSteps(all: StepTimes[]): string {
  const names = [...new Set(all.flatMap((s) => Object.keys(s)))];
  return names
    .map((n) => `${n} ${median(all.map((s) => s[n] ?? 0)).toFixed(1)}`)
    .join(', ')
    .concat(' (ms, medians)');
}

/** A generated v1 file, kept for the whole bench run. */
export interface V1File {
  file: string;
  runs: number;
  dir: string;
}

/** Generate a v1 file in a temp folder (untimed for the results; the build time is logged). */
export async function makeV1File(runs: number, log: (line: string) => void): Promise<V1File> {
  const dir = tempDir(`w3-source-${runs}`);
  const file = path.join(dir, 'v1.db');
  const ms = await time(() => buildV1File(file, runs));
  log(
    `    built v1 file of ${runs.toLocaleString('en')} runs (${fileSize(file)}) ` +
      `in ${ms.toFixed(0)} ms`,
  );
  return { file, runs, dir };
}

/** W3a: archive-strategy open, absolute target. */
export async function benchArchive(
  source: V1File,
  reps: number,
  log: (line: string) => void,
): Promise<{ row: ResultRow; steps: string }> {
  const times: number[] = [];
  const steps: StepTimes[] = [];
  for (let i = 0; i < reps; i++) {
    const r = await openCopy(source.file, 'archive');
    times.push(r.ms);
    steps.push(r.steps);
    log(`    rep ${i + 1}/${reps} runmeta  ${r.ms.toFixed(1)} ms`);
  }
  return {
    row: {
      workload: `W3a archive open ${source.runs.toLocaleString('en')} runs`,
      baselineMs: null,
      runmetaMs: median(times),
      target: { kind: 'absolute', maxMs: 100 },
      reps,
    },
    steps: formatSteps(steps),
  };
}

/** W3b: carry-over open vs VACUUM INTO. */
export async function benchCarryOver(
  source: V1File,
  reps: number,
  log: (line: string) => void,
): Promise<{ row: ResultRow; steps: string }> {
  const steps: StepTimes[] = [];
  const times = await alternate(
    reps,
    async () => vacuumInto(source.file),
    async () => {
      const r = await openCopy(source.file, 'carry-over');
      steps.push(r.steps);
      return r.ms;
    },
    log,
  );
  return {
    row: {
      workload: `W3b carry-over ${source.runs.toLocaleString('en')} runs`,
      baselineMs: median(times.baseline),
      runmetaMs: median(times.runmeta),
      target: { kind: 'ratio', max: 2 },
      reps,
    },
    steps: formatSteps(steps),
  };
}
