/**
 * W1 write: runs × (40 mechanism + 10 resolution + 3 validation rows) + complete,
 * through the public API vs raw better-sqlite3 doing the same statements with
 * the same transaction granularity (3 write transactions per run).
 */
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
  type CompleteRunInput,
  type MechanismUsageInput,
  RESOLUTION_LEVELS,
  type ResolutionAssignmentInput,
  type StartRunInput,
  type ValidationRecordInput,
} from '@runmeta/core';
import { schemaDdl } from '@runmeta/core/adapter';
import BetterSqlite3 from 'better-sqlite3';
import { openRunDatabase } from '../src/index.js';
import { alternate, median, pick, prng, type ResultRow, removeDir, tempDir } from './lib.js';

const TEMPLATES = ['board_meeting', 'jefferson_dinner', 'mars_colony', 'hospital_crisis'];
const MODES = ['forward', 'directorial', 'branching', 'cyclical', 'portal'] as const;
const MECHANISMS = Array.from({ length: 17 }, (_, i) => `M${i + 1}`);
const FUNCTIONS = ['resolve_entity', 'build_graph', 'generate_dialog', 'compress_tensor'];
const VALIDATORS = ['energy_conservation', 'temporal_causality', 'knowledge_consistency'];

/** Everything one run does, shared (read-only) by both sides. */
interface RunScript {
  runId: string;
  start: StartRunInput & { runId: string; tokenBudget: number };
  mechanisms: MechanismUsageInput[];
  resolutions: ResolutionAssignmentInput[];
  validations: ValidationRecordInput[];
  complete: CompleteRunInput & { trainingExamples: number; llmCalls: number };
}

function makeScripts(count: number): RunScript[] {
  const random = prng(1);
  return Array.from({ length: count }, (_, i) => {
    const runId = `run_w1_${String(i).padStart(7, '0')}`;
    const failedCheck = i % 3 === 0;
    return {
      runId,
      start: {
        runId,
        templateId: pick(random, TEMPLATES),
        causalMode: pick(random, MODES),
        goal: 'Simulate the board deciding on the acquisition offer',
        originYear: 2024,
        tokenBudget: 50_000,
      },
      mechanisms: Array.from({ length: 40 }, (_, j) => ({
        mechanism: pick(random, MECHANISMS),
        functionName: pick(random, FUNCTIONS),
        context: { step: j, entity: `entity_${j % 8}`, cached: j % 2 === 0 },
      })),
      resolutions: Array.from({ length: 10 }, (_, j) => ({
        entityId: `entity_${j % 6}`,
        resolution: pick(random, RESOLUTION_LEVELS),
        timepointId: `tp_${String(j).padStart(3, '0')}`,
      })),
      validations: VALIDATORS.map((validatorName, j) => {
        const passed = !(failedCheck && j === 2);
        return {
          validatorName,
          passed,
          message: passed ? null : 'entity_3 knows an event before it happened',
          violations: passed ? [] : ['entity_3@tp_002'],
        };
      }),
      complete: {
        entitiesCreated: 6,
        timepointsCreated: 10,
        trainingExamples: 2,
        costUsd: Math.round(random() * 1e4) / 1e5,
        llmCalls: 12,
        tokensUsed: 30_000 + Math.floor(random() * 30_000),
      },
    };
  });
}

/** What both sides must have written (timestamps left out). */
interface Fingerprint {
  counts: Record<string, number>;
  samples: unknown[];
}

const TABLES = ['runs', 'mechanism_usage', 'resolution_assignments', 'validations'];

function fingerprint(file: string, scripts: RunScript[]): Fingerprint {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const counts = Object.fromEntries(
      TABLES.map((t) => [t, Number(db.prepare(`SELECT count(*) FROM "${t}"`).pluck().get())]),
    );
    const ids = [0, scripts.length >> 1, scripts.length - 1].map((i) => scripts[i]!.runId);
    const samples = ids.flatMap((id) => [
      db.prepare('SELECT * FROM runs WHERE run_id = ?').get(id),
      ...db.prepare('SELECT * FROM mechanism_usage WHERE run_id = ? ORDER BY id').all(id),
      ...db.prepare('SELECT * FROM resolution_assignments WHERE run_id = ? ORDER BY id').all(id),
      ...db.prepare('SELECT * FROM validations WHERE run_id = ? ORDER BY id').all(id),
    ]);
    for (const row of samples as Record<string, unknown>[]) {
      for (const key of ['id', 'created_at', 'updated_at', 'timestamp']) delete row[key];
    }
    return { counts, samples };
  } finally {
    db.close();
  }
}

/** The runmeta side: the public API, awaited call by call. */
async function runmetaSide(scripts: RunScript[], keep: (f: Fingerprint) => void) {
  const dir = tempDir('w1-runmeta');
  try {
    const file = path.join(dir, 'runs.db');
    const manager = await openRunDatabase(file);
    const start = performance.now();
    for (const s of scripts) {
      await manager.startRun(s.start);
      await manager.recordBatch(s.runId, {
        mechanisms: s.mechanisms,
        resolutions: s.resolutions,
        validations: s.validations,
      });
      await manager.completeRun(s.runId, s.complete);
    }
    const ms = performance.now() - start;
    await manager.close();
    keep(fingerprint(file, scripts));
    return ms;
  } finally {
    removeDir(dir);
  }
}

/** The stored strategy JSON: only what the caller gave (startRun stores no defaults). */
function strategyJson(_mode: string, tokenBudget: number) {
  return { token_budget: tokenBudget };
}

/** The baseline: raw better-sqlite3, prepared statements, 3 IMMEDIATE transactions per run. */
function baselineSide(scripts: RunScript[], keep: (f: Fingerprint) => void): number {
  const dir = tempDir('w1-raw');
  try {
    const file = path.join(dir, 'runs.db');
    const db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    for (const sql of schemaDdl('v2')) db.exec(sql);
    const insertRun = db.prepare(
      `INSERT INTO runs (run_id, template_id, created_at, updated_at, causal_mode, goal,
        entities_created, timepoints_created, training_examples, cost_usd, llm_calls,
        tokens_used, status, origin_year, schema_version, fidelity_strategy_json)
       VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 'running', ?, '2.0', ?)`,
    );
    const insertMechanism = db.prepare(
      `INSERT INTO mechanism_usage (run_id, mechanism, function_name, timestamp, context)
       VALUES (?, ?, ?, ?, ?)`,
    );
    const insertResolution = db.prepare(
      `INSERT INTO resolution_assignments (run_id, entity_id, resolution, timepoint_id, timestamp)
       VALUES (?, ?, ?, ?, ?)`,
    );
    const insertValidation = db.prepare(
      `INSERT INTO validations (run_id, validator_name, passed, timestamp, message, violations)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    const touch = db.prepare('UPDATE runs SET updated_at = ? WHERE run_id = ?');
    const completeRun = db.prepare(
      `UPDATE runs SET entities_created = ?, timepoints_created = ?, training_examples = ?,
        cost_usd = ?, llm_calls = ?, tokens_used = ?, status = ?, error_message = ?,
        actual_tokens_used = ?, token_budget_compliance = ?, fidelity_efficiency_score = ?,
        fidelity_distribution = ?, updated_at = ?, fidelity_strategy_json = ?
       WHERE run_id = ?`,
    );
    const startTx = db.transaction((s: RunScript, strategy: object, now: string) => {
      insertRun.run(
        s.runId,
        s.start.templateId,
        now,
        now,
        s.start.causalMode,
        s.start.goal,
        s.start.originYear,
        JSON.stringify(strategy),
      );
    });
    const batchTx = db.transaction((s: RunScript, now: string) => {
      for (const m of s.mechanisms) {
        insertMechanism.run(s.runId, m.mechanism, m.functionName, now, JSON.stringify(m.context));
      }
      for (const r of s.resolutions) {
        insertResolution.run(s.runId, r.entityId, r.resolution, r.timepointId, now);
      }
      for (const v of s.validations) {
        insertValidation.run(
          s.runId,
          v.validatorName,
          v.passed ? 1 : 0,
          now,
          v.message,
          JSON.stringify(v.violations),
        );
      }
      touch.run(now, s.runId);
    });
    const completeTx = db.transaction((s: RunScript, strategy: object, now: string) => {
      const c = s.complete;
      // Latest assignment per entity (all share one timestamp: the last one wins).
      const latest = new Map<string, string>();
      for (const r of s.resolutions) latest.set(r.entityId, r.resolution);
      const distribution: Record<string, number> = {};
      for (const level of latest.values()) distribution[level] = (distribution[level] ?? 0) + 1;
      const compliance = c.tokensUsed / s.start.tokenBudget;
      const result = completeRun.run(
        c.entitiesCreated,
        c.timepointsCreated,
        c.trainingExamples,
        c.costUsd,
        c.llmCalls,
        c.tokensUsed,
        'completed',
        null,
        c.tokensUsed,
        compliance,
        (c.entitiesCreated + c.timepointsCreated) / c.tokensUsed,
        JSON.stringify(distribution),
        now,
        JSON.stringify({
          ...strategy,
          actual_tokens_used: c.tokensUsed,
          actual_cost_usd: c.costUsd,
          budget_compliance_ratio: compliance,
        }),
        s.runId,
      );
      if (result.changes !== 1) throw new Error(`run ${s.runId} not found`);
    });
    const start = performance.now();
    for (const s of scripts) {
      const strategy = strategyJson(s.start.causalMode, s.start.tokenBudget);
      startTx.immediate(s, strategy, new Date().toISOString());
      batchTx.immediate(s, new Date().toISOString());
      completeTx.immediate(s, strategy, new Date().toISOString());
    }
    const ms = performance.now() - start;
    db.close();
    keep(fingerprint(file, scripts));
    return ms;
  } finally {
    removeDir(dir);
  }
}

/** Run W1. */
export async function benchWrite(
  runs: number,
  reps: number,
  log: (line: string) => void,
): Promise<ResultRow> {
  const scripts = makeScripts(runs);
  let ours: Fingerprint | undefined;
  let theirs: Fingerprint | undefined;
  const times = await alternate(
    reps,
    async () =>
      baselineSide(scripts, (f) => {
        theirs ??= f;
      }),
    () =>
      runmetaSide(scripts, (f) => {
        ours ??= f;
      }),
    log,
  );
  if (!isDeepStrictEqual(ours, theirs)) {
    throw new Error(
      `W1: runmeta and baseline wrote different data:\n${JSON.stringify(ours)}\n` +
        JSON.stringify(theirs),
    );
  }
  log(`    same rows written by both sides: ${JSON.stringify(ours?.counts)}`);
  return {
    workload: `W1 write ${runs.toLocaleString('en')} runs`,
    baselineMs: median(times.baseline),
    runmetaMs: median(times.runmeta),
    target: { kind: 'ratio', max: 1.5 },
    reps,
  };
}
