/**
 * The demo database (`runmeta demo`, the docs playground): a realistic v1 run
 * database as the earlier Python tool wrote them — hundreds of runs over several
 * templates and every temporal mode, mechanism events, resolution assignments and
 * validations, some failed and some stuck `running` — migrated to v2, plus v2
 * runs recorded through the SDK. Deterministic (seeded): the same every time.
 */
import { insertSql, schemaDdl } from '../columns/sql.js';
import { MetadataManager } from '../manager/metadata-manager.js';
import { RESOLUTION_LEVELS, TEMPORAL_MODES } from '../schema/enum-values.js';
import { DemoDatabaseOptionsSchema, parseOptions } from '../schema/options.js';
import { parseInput } from '../schema/validate.js';
import type { SqlConnection, StorageAdapter } from '../storage/adapter.js';
import { StorageAdapterOption } from '../storage/adapter-option.js';

/** Templates the demo runs use. */
export const DEMO_TEMPLATES = [
  'jefferson_dinner',
  'board_meeting',
  'hospital_crisis',
  'portal_presidential_election',
  'sherlock_investigation',
];

/** Small deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Write `runs` synthetic v1 runs into an open, empty database. */
export async function writeSyntheticV1(db: SqlConnection, runs: number, seed = 7): Promise<void> {
  const rand = seededRandom(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  for (const sql of schemaDdl('v1')) await db.run(sql);
  await db.run('BEGIN');
  const start = Date.UTC(2025, 9, 1);
  const runSql = insertSql('runs', [
    'run_id',
    'template_id',
    'created_at',
    'updated_at',
    'causal_mode',
    'goal',
    'entities_created',
    'timepoints_created',
    'training_examples',
    'cost_usd',
    'llm_calls',
    'tokens_used',
    'status',
    'error_message',
  ]);
  const mechanismSql = insertSql('mechanism_usage', [
    'run_id',
    'mechanism',
    'function_name',
    'timestamp',
    'context',
  ]);
  const resolutionSql = insertSql('resolution_assignments', [
    'run_id',
    'entity_id',
    'resolution',
    'timepoint_id',
    'timestamp',
  ]);
  const validationSql = insertSql('validations', [
    'run_id',
    'validator_name',
    'passed',
    'timestamp',
    'message',
    'violations',
  ]);
  for (let i = 0; i < runs; i++) {
    const created = new Date(start + i * 3_600_000 * (2 + rand() * 4));
    const stamp = created.toISOString().replace('Z', '');
    const ymd = stamp.slice(0, 19).replace(/[-:]/g, '').replace('T', '_');
    const runId = `run_${ymd}_${Math.floor(rand() * 0xffffffff)
      .toString(16)
      .padStart(8, '0')}`;
    const template = DEMO_TEMPLATES[i % DEMO_TEMPLATES.length]!;
    const mode = TEMPORAL_MODES[i % TEMPORAL_MODES.length]!;
    const roll = rand();
    const status = roll < 0.12 ? 'failed' : roll < 0.18 ? 'running' : 'completed';
    const entities = status === 'completed' ? 2 + Math.floor(rand() * 6) : 0;
    const timepoints = status === 'completed' ? 1 + Math.floor(rand() * 8) : 0;
    const tokens = status === 'running' ? 0 : Math.floor(5_000 + rand() * 120_000);
    await db.run(runSql, [
      runId,
      template,
      stamp,
      new Date(created.getTime() + 300_000).toISOString().replace('Z', ''),
      mode,
      `Simulate ${template.replaceAll('_', ' ')}`,
      entities,
      timepoints,
      Math.floor(entities * timepoints * rand()),
      Number((tokens * 0.0000025).toFixed(6)),
      Math.floor(tokens / 900),
      tokens,
      status,
      status === 'failed'
        ? pick([
            'LLM returned empty response',
            'rate limit exceeded',
            "'Entity' object has no attribute 'resolution'",
          ])
        : null,
    ]);
    for (let m = 0; m < 4 + Math.floor(rand() * 10); m++) {
      const mechanism = `M${1 + Math.floor(rand() * 17)}`;
      await db.run(mechanismSql, [
        runId,
        mechanism,
        pick(['build_graph', 'assign_resolutions', 'seed_knowledge', 'run_dialog', 'orchestrate']),
        stamp,
        JSON.stringify({ step: m }),
      ]);
    }
    for (let e = 0; e < entities; e++) {
      await db.run(resolutionSql, [
        runId,
        `entity_${e}`,
        pick(RESOLUTION_LEVELS),
        'tp_001_opening',
        stamp,
      ]);
    }
    if (status !== 'running') {
      const passed = rand() > 0.2;
      await db.run(validationSql, [
        runId,
        'temporal_consistency',
        passed ? 1 : 0,
        stamp,
        passed ? null : 'timeline gap',
        JSON.stringify(passed ? [] : ['tp_002 precedes tp_001']),
      ]);
    }
  }
  await db.run('COMMIT');
}

/**
 * Record `count` v2 runs through the SDK: budgets met and far exceeded, a few
 * failed, a few left running. Returns the id of the last completed run.
 */
export async function recordDemoV2Runs(manager: MetadataManager, count = 40): Promise<string> {
  const rand = seededRandom(11);
  let lastCompleted = '';
  for (let i = 0; i < count; i++) {
    const template = DEMO_TEMPLATES[i % DEMO_TEMPLATES.length]!;
    const budget = 20_000 + Math.floor(rand() * 40_000);
    const run = await manager.startRun({
      templateId: template,
      causalMode: TEMPORAL_MODES[i % TEMPORAL_MODES.length]!,
      tokenBudget: budget,
      goal: `Demo v2 run ${i + 1}`,
    });
    const entities = 3 + Math.floor(rand() * 5);
    await manager.recordBatch(run.runId, {
      mechanisms: Array.from({ length: 12 }, (_, m) => ({
        mechanism: `M${1 + ((m * 5 + i) % 17)}`,
        functionName: 'pipeline_step',
      })),
      resolutions: Array.from({ length: entities }, (_, e) => ({
        entityId: `entity_${e}`,
        resolution: RESOLUTION_LEVELS[Math.floor(rand() * RESOLUTION_LEVELS.length)]!,
        timepointId: 'tp_001',
      })),
      validations: [{ validatorName: 'temporal_consistency', passed: rand() > 0.15 }],
    });
    if (i % 13 === 12) continue; // a few stay running
    // Most runs stay within budget; every fourth goes far over it.
    const tokens = Math.floor(budget * (i % 4 === 3 ? 2 + rand() * 3 : 0.5 + rand() * 0.45));
    await manager.completeRun(run.runId, {
      entitiesCreated: entities,
      timepointsCreated: 1 + Math.floor(rand() * 6),
      costUsd: Number((tokens * 0.0000025).toFixed(6)),
      llmCalls: Math.floor(tokens / 900),
      tokensUsed: tokens,
      errorMessage: i % 11 === 10 ? 'LLM returned empty response' : undefined,
    });
    if (i % 11 !== 10) lastCompleted = run.runId;
  }
  return lastCompleted;
}

/** What {@link buildDemoDatabase} made. */
export interface DemoDatabase {
  /** The open manager on the migrated database (close it when done). */
  manager: MetadataManager;
  /** Id of the last completed v2 run (a good one to inspect). */
  lastCompletedRunId: string;
}

/**
 * Build the demo in `adapter`'s container: `v1Runs` synthetic v1 runs written to
 * `database`, migrated with the archive strategy (they land in the archive), then
 * `v2Runs` runs recorded through the SDK. The database must not exist yet.
 */
export async function buildDemoDatabase(
  adapter: StorageAdapter,
  given: {
    database?: string;
    v1Runs?: number;
    v2Runs?: number;
    onStep?: (step: 'write-v1' | 'migrate' | 'record-v2', detail?: string) => void;
  } = {},
): Promise<DemoDatabase> {
  parseInput(StorageAdapterOption, adapter, 'adapter');
  const options = parseOptions(DemoDatabaseOptionsSchema, given) as typeof given;
  const database = options.database ?? 'runs.db';
  options.onStep?.('write-v1');
  const raw = await adapter.open(database);
  try {
    await writeSyntheticV1(raw, options.v1Runs ?? 400);
  } finally {
    await raw.close();
  }
  options.onStep?.('migrate');
  const manager = await MetadataManager.open({ adapter, database });
  try {
    options.onStep?.(
      'record-v2',
      `${manager.migration?.archivedRuns} v1 runs archived to ${manager.migration?.archivePath}`,
    );
    const lastCompletedRunId = await recordDemoV2Runs(manager, options.v2Runs ?? 40);
    return { manager, lastCompletedRunId };
  } catch (error) {
    await manager.close();
    throw error;
  }
}
