/**
 * The rows of one generated run: realistic value spread for the benchmark
 * database (`generate.ts` writes them). Deterministic for a given PRNG.
 */
import { RESOLUTION_LEVELS } from '@runmeta/core';

/** Templates, weighted like a real project: a few busy ones, a long tail. */
const TEMPLATES: readonly [string, number][] = [
  ['board_meeting', 18],
  ['jefferson_dinner', 14],
  ['hospital_crisis', 12],
  ['mars_colony', 10],
  ['sherlock_investigation', 9],
  ['portal_presidential_election', 8],
  ['apollo_13_recovery', 7],
  ['startup_pivot', 6],
  ['courtroom_drama', 5],
  ['climate_summit', 5],
  ['medieval_village', 3],
  ['first_contact', 3],
];

/** The seven causal modes (SPEC §2: the five documented plus pearl and nonlinear). */
const MODES: readonly [string, number][] = [
  ['forward', 30],
  ['directorial', 20],
  ['branching', 15],
  ['cyclical', 10],
  ['portal', 10],
  ['pearl', 8],
  ['nonlinear', 7],
];

const PLANNING_MODES = ['programmatic', 'adaptive', 'hybrid'] as const;
const BUDGET_MODES = ['hard', 'soft', 'max', 'adaptive', 'orchestrator', 'user'] as const;
const BUDGETS = [20_000, 50_000, 50_000, 100_000, 100_000, 200_000] as const;
const FUNCTIONS = [
  'build_graph',
  'assign_resolutions',
  'seed_knowledge',
  'run_dialog',
  'orchestrate',
  'compress_tensor',
  'plan_timeline',
] as const;
const ERRORS = [
  'LLM returned empty response',
  'rate limit exceeded (429) after 5 retries',
  "'Entity' object has no attribute 'resolution'",
  'token budget exhausted before timepoint tp_004',
  'timeout waiting for model response (120 s)',
  'validation failed: timeline gap between tp_002 and tp_003',
] as const;
const VALIDATORS = ['temporal_consistency', 'entity_knowledge', 'causal_chain'] as const;

const DAY_MS = 86_400_000;
/** Runs are spread over the year before this instant. */
const END = Date.UTC(2025, 10, 1);
const SPAN = 365 * DAY_MS;

/** Pick from a weighted list. */
function weighted(random: () => number, list: readonly [string, number][]): string {
  const total = list.reduce((sum, [, w]) => sum + w, 0);
  let roll = random() * total;
  for (const [value, weight] of list) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return list[list.length - 1]![0];
}

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

function int(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/**
 * A creation time as deployed files hold them: mostly the SDK's ISO-8601 with
 * `Z`; about 1 in 1,000 with a `+02:00` offset (the same instant, local time)
 * and about 1 in 1,000 with a space instead of the `T` (the earlier tool's form).
 */
function stamp(random: () => number, ms: number): string {
  const iso = new Date(ms).toISOString();
  const roll = random();
  if (roll < 0.001) return `${new Date(ms + 2 * 3_600_000).toISOString().slice(0, 23)}+02:00`;
  if (roll < 0.002) return iso.slice(0, 19).replace('T', ' ');
  return iso;
}

/**
 * Compliance as budgets behave: most runs within 0.6–1.05 of their budget, a
 * third over it, a tail to 2.5, a few far under (0.3).
 */
function compliance(random: () => number): number {
  const roll = random();
  if (roll < 0.05) return 0.3 + random() * 0.3;
  if (roll < 0.65) return 0.6 + random() * 0.4;
  if (roll < 0.9) return 1 + random() * 0.5;
  return 1.5 + random() * 1.0;
}

export type Value = string | number | null;

/** One row, by column name (inserted with named parameters, never by position). */
export type NamedRow = Record<string, Value>;

/** The rows of one run. */
export interface RunRows {
  run: NamedRow;
  mechanisms: NamedRow[];
  resolutions: NamedRow[];
  validations: NamedRow[];
}

/** Make run number `i` of `runs` (created in order over the year). */
export function makeRun(random: () => number, i: number, runs: number): RunRows {
  const createdMs = END - SPAN + Math.floor(((i + random()) * SPAN) / runs);
  const created = stamp(random, createdMs);
  const compact = new Date(createdMs).toISOString().replace(/[-:]/g, '').replace('T', '_');
  // A multiplicative hash is a bijection on 32 bits: unique ids, no lookups.
  const suffix = (Math.imul(i + 1, 0x9e3779b1) >>> 0).toString(16).padStart(8, '0');
  const runId = `run_${compact.slice(0, 15)}_${suffix}`;
  const template = weighted(random, TEMPLATES);
  const mode = weighted(random, MODES);
  const roll = random();
  const status = roll < 0.88 ? 'completed' : roll < 0.96 ? 'failed' : 'running';
  const durationMs = int(random, 30_000, 1_200_000);
  const updated = status === 'running' ? created : stamp(random, createdMs + durationMs);
  const budget = random() < 0.9 ? pick(random, BUDGETS) : null;
  const timepoints = int(random, 1, 12);
  const strategy: Record<string, unknown> = {
    mode,
    planning_mode: pick(random, PLANNING_MODES),
    budget_mode: pick(random, BUDGET_MODES),
    ...(budget === null ? {} : { token_budget: budget }),
    timepoint_count: timepoints,
    fidelity_schedule: Array.from({ length: Math.min(timepoints, 4) }, () =>
      pick(random, RESOLUTION_LEVELS),
    ),
    temporal_steps: Array.from({ length: Math.min(timepoints, 4) }, () => int(random, 1, 6)),
    adaptive_threshold: 0.7,
    min_resolution: 'tensor_only',
    max_resolution: 'trained',
    allocation_rationale: `${template.replaceAll('_', ' ')}: ${timepoints} timepoints, ${mode} mode`,
    estimated_tokens: budget ?? int(random, 20_000, 150_000),
    estimated_cost_usd: Number(((budget ?? 80_000) * 0.0000025).toFixed(4)),
  };

  let entities: number | null = null;
  let tokens: number | null = null;
  let cost: number | null = null;
  let llmCalls: number | null = null;
  let training: number | null = null;
  let ratio: number | null = null;
  let distribution: string | null = null;
  let efficiency: number | null = null;
  let error: string | null = null;
  if (status !== 'running') {
    const failed = status === 'failed';
    entities = failed ? int(random, 0, 4) : int(random, 2, 12);
    const target = budget === null ? int(random, 20_000, 150_000) : budget * compliance(random);
    tokens = Math.max(1, Math.round(failed ? target * (0.05 + random() * 0.6) : target));
    // Price per token differs by template's model: cost spreads over ~0.01–2.5 USD.
    cost = Number((tokens * (0.0000015 + random() * 0.0000095)).toFixed(6));
    llmCalls = Math.max(1, Math.round(tokens / int(random, 600, 1_400)));
    training = failed ? 0 : int(random, 0, entities * timepoints);
    if (budget !== null) ratio = tokens / budget;
    if (entities > 0) {
      const counts = new Map<string, number>();
      for (let e = 0; e < entities; e++) {
        const level = RESOLUTION_LEVELS[Math.min(5, Math.floor(random() * random() * 6))]!;
        counts.set(level, (counts.get(level) ?? 0) + 1);
      }
      distribution = JSON.stringify(
        Object.fromEntries(
          RESOLUTION_LEVELS.filter((l) => counts.has(l)).map((l) => [l, counts.get(l)]),
        ),
      );
    }
    efficiency = (entities + (failed ? 0 : timepoints)) / tokens;
    if (failed) error = pick(random, ERRORS);
    strategy.actual_tokens_used = tokens;
    strategy.actual_cost_usd = cost;
    if (ratio !== null) strategy.budget_compliance_ratio = Number(ratio.toFixed(4));
  }
  const portal = mode === 'portal';
  const withStrategy = random() < 0.15;
  const oxen = status === 'completed' && random() < 0.1;
  const run: NamedRow = {
    run_id: runId,
    template_id: template,
    created_at: created,
    updated_at: updated,
    causal_mode: mode,
    goal: `Simulate ${template.replaceAll('_', ' ')} (${mode})`,
    origin_description: random() < 0.1 ? `seeded from ${pick(random, TEMPLATES)[0]} notes` : null,
    entities_created: entities,
    timepoints_created: status === 'running' ? null : status === 'failed' ? 0 : timepoints,
    training_examples: training,
    cost_usd: cost,
    llm_calls: llmCalls,
    tokens_used: tokens,
    oxen_repo_url: oxen ? `https://hub.oxen.ai/runmeta/${template}` : null,
    oxen_dataset_url: oxen ? `https://hub.oxen.ai/runmeta/${template}/datasets/${runId}` : null,
    error_message: error,
    status,
    portal_description: portal ? `a ${template.replaceAll('_', ' ')} that ended differently` : null,
    portal_year: portal ? int(random, 1776, 2040) : null,
    origin_year: portal ? int(random, 1700, 1900) : null,
    backward_steps: portal ? int(random, 2, 12) : null,
    schema_version: '2.0',
    // Pipelines that plan fidelity store their strategy; about 15 % of runs here.
    fidelity_strategy_json: withStrategy ? JSON.stringify(strategy) : null,
    fidelity_distribution: distribution,
    actual_tokens_used: tokens,
    token_budget_compliance: ratio,
    fidelity_efficiency_score: efficiency,
  };
  const mechanisms: NamedRow[] = [];
  for (let m = 0; m < 3; m++) {
    mechanisms.push({
      run_id: runId,
      mechanism: `M${int(random, 1, 17)}`,
      function_name: pick(random, FUNCTIONS),
      timestamp: new Date(createdMs + Math.floor((durationMs * (m + 1)) / 4)).toISOString(),
      context: `{"step":${m + 1}}`,
    });
  }
  const resolutions: NamedRow[] = [];
  if (status !== 'running' && entities && random() < 0.08) {
    for (let e = 0; e < Math.min(entities, 6); e++) {
      resolutions.push({
        run_id: runId,
        entity_id: `entity_${e}`,
        resolution: pick(random, RESOLUTION_LEVELS),
        timepoint_id: `tp_${String(int(random, 1, timepoints)).padStart(3, '0')}`,
        timestamp: new Date(createdMs + e * 1_000).toISOString(),
      });
    }
  }
  const validations: NamedRow[] = [];
  if (status !== 'running' && random() < 0.05) {
    for (let v = 0; v < int(random, 1, 2); v++) {
      const passed = random() > 0.2;
      validations.push({
        run_id: runId,
        validator_name: VALIDATORS[v]!,
        passed: passed ? 1 : 0,
        timestamp: new Date(createdMs + durationMs).toISOString(),
        message: passed ? null : 'timeline gap',
        violations: JSON.stringify(passed ? [] : ['tp_002 precedes tp_001']),
      });
    }
  }
  return { run, mechanisms, resolutions, validations };
}
