/**
 * A realistic v1 run database, as the earlier Python tool wrote them: hundreds of
 * runs over several templates and every temporal mode, mechanism events,
 * resolution assignments and validations, some failed and some stuck `running`.
 * Deterministic (seeded), so the demo prints the same thing every time.
 */
import {
  insertSql,
  RESOLUTION_LEVELS,
  type SqlConnection,
  schemaDdl,
  TEMPORAL_MODES,
} from '@runmeta/core';

export const DEMO_TEMPLATES = [
  'jefferson_dinner',
  'board_meeting',
  'hospital_crisis',
  'portal_presidential_election',
  'sherlock_investigation',
];

/** Small deterministic PRNG (mulberry32). */
export function random(seed: number) {
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
  const rand = random(seed);
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
