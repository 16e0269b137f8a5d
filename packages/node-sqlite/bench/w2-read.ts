/**
 * W2 read: `getAllRuns({ withMechanisms: true })` over a v2 file built raw, vs a
 * raw SELECT of every runs column + one grouped mechanisms query + equivalent
 * plain objects built in JS.
 */
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { MetadataManager, RESOLUTION_LEVELS } from '@runmeta/core';
import { canonicalColumns, schemaDdl, TABLES } from '@runmeta/core/adapter';
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
const MODES = ['forward', 'directorial', 'branching', 'cyclical', 'portal', 'pearl'];
/** M1..M17 plus a combined form, so the numeric sort has something to do. */
const MECHANISMS = [...Array.from({ length: 17 }, (_, i) => `M${i + 1}`), 'M1+M17'];
const FUNCTIONS = ['resolve_entity', 'build_graph', 'generate_dialog', 'compress_tensor'];

/** The 27 v2 `runs` columns, in table order (from the registry, as the DDL). */
const RUN_COLUMNS = canonicalColumns(TABLES.runs).map((c) => c.name);

/** Build the v2 file: `runs` runs with `perRun` mechanism rows each, one transaction. */
export function buildFile(file: string, runs: number, perRun: number): void {
  const random = prng(2);
  const db = new BetterSqlite3(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    for (const sql of schemaDdl('v2')) db.exec(sql);
    const insertRun = db.prepare(
      `INSERT INTO runs (${RUN_COLUMNS.join(', ')}) ` +
        `VALUES (${RUN_COLUMNS.map(() => '?').join(', ')})`,
    );
    const insertMechanism = db.prepare(
      `INSERT INTO mechanism_usage (run_id, mechanism, function_name, timestamp, context)
       VALUES (?, ?, ?, ?, ?)`,
    );
    const base = Date.UTC(2025, 0, 1);
    db.transaction(() => {
      for (let i = 0; i < runs; i++) {
        const created = new Date(base + i * 7_000).toISOString();
        const finished = new Date(base + i * 7_000 + 5_000).toISOString();
        const day = created.slice(0, 10).replaceAll('-', '');
        const runId = `run_${day}_${i.toString(16).padStart(8, '0')}`;
        const roll = random();
        const status = roll < 0.9 ? 'completed' : roll < 0.97 ? 'failed' : 'running';
        const done = status !== 'running';
        const mode = pick(random, MODES);
        const entities = 2 + Math.floor(random() * 10);
        const timepoints = 1 + Math.floor(random() * 12);
        const tokens = 5_000 + Math.floor(random() * 80_000);
        const budget = 50_000;
        const cost = Math.round(tokens * 0.0009) / 1000;
        const distribution: Record<string, number> = {};
        for (let e = 0; e < entities; e++) {
          const level = pick(random, RESOLUTION_LEVELS);
          distribution[level] = (distribution[level] ?? 0) + 1;
        }
        const strategy: Record<string, unknown> = {
          mode,
          planning_mode: 'programmatic',
          budget_mode: 'soft',
          token_budget: budget,
          timepoint_count: timepoints,
          fidelity_schedule: ['scene', 'dialog', 'graph'],
          temporal_steps: [1, 1, 3],
          adaptive_threshold: 0.7,
          min_resolution: 'tensor_only',
          max_resolution: 'trained',
          allocation_rationale: 'dialog for principals, scene for the rest',
          estimated_tokens: 42_000,
          estimated_cost_usd: 0.04,
        };
        if (done) {
          Object.assign(strategy, {
            actual_tokens_used: tokens,
            actual_cost_usd: cost,
            budget_compliance_ratio: tokens / budget,
          });
        }
        insertRun.run(
          runId,
          pick(random, TEMPLATES),
          created,
          done ? finished : created,
          mode,
          'Simulate the board deciding on the acquisition offer',
          'Q3 2024, the offer has just arrived',
          done ? entities : 0,
          done ? timepoints : 0,
          done ? 2 : 0,
          done ? cost : 0,
          done ? 12 : 0,
          done ? tokens : 0,
          null,
          null,
          status === 'failed' ? 'LLM provider timed out after 3 retries' : null,
          status,
          mode === 'portal' ? 'The merger closed' : null,
          mode === 'portal' ? 2026 : null,
          2024,
          mode === 'portal' ? 4 : null,
          '2.0',
          JSON.stringify(strategy),
          done ? JSON.stringify(distribution) : null,
          done ? tokens : null,
          done ? tokens / budget : null,
          done ? (entities + timepoints) / tokens : null,
        );
        for (let j = 0; j < perRun; j++) {
          insertMechanism.run(
            runId,
            pick(random, MECHANISMS),
            pick(random, FUNCTIONS),
            finished,
            JSON.stringify({ step: j, entity: `entity_${j}` }),
          );
        }
      }
    })();
  } finally {
    db.close();
  }
}

const STRATEGY_KEYS: Record<string, string> = {
  mode: 'mode',
  planning_mode: 'planningMode',
  budget_mode: 'budgetMode',
  token_budget: 'tokenBudget',
  timepoint_count: 'timepointCount',
  fidelity_schedule: 'fidelitySchedule',
  temporal_steps: 'temporalSteps',
  adaptive_threshold: 'adaptiveThreshold',
  min_resolution: 'minResolution',
  max_resolution: 'maxResolution',
  allocation_rationale: 'allocationRationale',
  estimated_tokens: 'estimatedTokens',
  estimated_cost_usd: 'estimatedCostUsd',
  actual_tokens_used: 'actualTokensUsed',
  actual_cost_usd: 'actualCostUsd',
  budget_compliance_ratio: 'budgetComplianceRatio',
};

interface RawRun {
  [column: string]: string | number | null;
}

/** The baseline reader: prepared once, then one SELECT per table and plain objects. */
function baselineReader(db: BetterSqlite3.Database) {
  const runsStatement = db.prepare(
    `SELECT ${RUN_COLUMNS.join(', ')} FROM runs ORDER BY created_at, run_id`,
  );
  const mechanismsStatement = db
    .prepare('SELECT run_id, mechanism FROM mechanism_usage GROUP BY run_id, mechanism')
    .raw();
  // Numeric sort key per distinct mechanism id, computed once per id (M10 after M9).
  const keys = new Map<string, number[]>();
  const keyOf = (m: string) => {
    let key = keys.get(m);
    if (!key) {
      key = m.match(/\d+/g)?.map(Number) ?? [Number.POSITIVE_INFINITY];
      keys.set(m, key);
    }
    return key;
  };
  const compare = (a: string, b: string) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
      const d = (ka[i] ?? -1) - (kb[i] ?? -1);
      if (d !== 0) return d;
    }
    return a.localeCompare(b);
  };
  return () => {
    const rows = runsStatement.all() as RawRun[];
    const grouped = new Map<string, string[]>();
    for (const [runId, mechanism] of mechanismsStatement.all() as [string, string][]) {
      const list = grouped.get(runId);
      if (list) list.push(mechanism);
      else grouped.set(runId, [mechanism]);
    }
    for (const list of grouped.values()) list.sort(compare);
    return rows.map((r) => {
      let strategy: Record<string, unknown> | null = null;
      if (typeof r.fidelity_strategy_json === 'string') {
        strategy = {};
        const parsed = JSON.parse(r.fidelity_strategy_json) as Record<string, unknown>;
        for (const key in parsed) strategy[STRATEGY_KEYS[key] ?? key] = parsed[key];
      }
      const runId = r.run_id as string;
      return {
        runId,
        templateId: r.template_id,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        causalMode: r.causal_mode,
        goal: r.goal,
        originDescription: r.origin_description,
        entitiesCreated: r.entities_created,
        timepointsCreated: r.timepoints_created,
        trainingExamples: r.training_examples,
        costUsd: r.cost_usd,
        llmCalls: r.llm_calls,
        tokensUsed: r.tokens_used,
        oxenRepoUrl: r.oxen_repo_url,
        oxenDatasetUrl: r.oxen_dataset_url,
        errorMessage: r.error_message,
        status: r.status,
        portalDescription: r.portal_description,
        portalYear: r.portal_year,
        originYear: r.origin_year,
        backwardSteps: r.backward_steps,
        schemaVersion: r.schema_version,
        fidelityStrategy: strategy,
        fidelityDistribution:
          typeof r.fidelity_distribution === 'string'
            ? (JSON.parse(r.fidelity_distribution) as Record<string, number>)
            : null,
        actualTokensUsed: r.actual_tokens_used,
        tokenBudgetCompliance: r.token_budget_compliance,
        fidelityEfficiencyScore: r.fidelity_efficiency_score,
        extra: {},
        mechanismsUsed: grouped.get(runId) ?? [],
      };
    });
  };
}

/** Run W2. */
export async function benchRead(
  runs: number,
  reps: number,
  log: (line: string) => void,
): Promise<ResultRow> {
  const dir = tempDir('w2');
  try {
    const file = path.join(dir, 'runs.db');
    const built = await time(() => buildFile(file, runs, 5));
    log(`    built ${runs.toLocaleString('en')} runs × 5 mechanism rows in ${built.toFixed(0)} ms`);
    const manager = await MetadataManager.open({
      adapter: createNodeSqliteAdapter({ directory: dir }),
    });
    const raw = new BetterSqlite3(file);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
    try {
      if (manager.migration) throw new Error('W2: the built file needed a migration');
      const read = baselineReader(raw);
      // Untimed warm-up of both, which doubles as the equivalence check.
      const ours = await manager.getAllRuns({ withMechanisms: true });
      const theirs = read();
      if (ours.length !== runs || !isDeepStrictEqual(ours, theirs)) {
        const i = ours.findIndex((run, k) => !isDeepStrictEqual(run, theirs[k]));
        throw new Error(
          `W2: results differ at ${i}:\n${JSON.stringify(ours[i])}\n${JSON.stringify(theirs[i])}`,
        );
      }
      log(`    file ${fileSize(file)}; both sides return deep-equal arrays of ${ours.length} runs`);
      const times = await alternate(
        reps,
        () => time(read),
        () => time(() => manager.getAllRuns({ withMechanisms: true })),
        log,
      );
      return {
        workload: `W2 read ${runs.toLocaleString('en')} runs`,
        baselineMs: median(times.baseline),
        runmetaMs: median(times.runmeta),
        target: { kind: 'ratio', max: 1.5 },
        reps,
      };
    } finally {
      raw.close();
      await manager.close();
    }
  } finally {
    removeDir(dir);
  }
}
