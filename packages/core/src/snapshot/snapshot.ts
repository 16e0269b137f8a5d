/**
 * The run snapshot for people and LLMs: a compact, typed summary of a
 * run and its text form.
 */
import * as z from 'zod/mini';
import { ValidationError } from '../errors.js';
import { isOverBudget, sortedDistribution } from '../metrics/fidelity.js';
import { NarrativeSummary } from '../schema/narrative.js';
import { previewValue } from '../schema/validate.js';

/** The snapshot fields a v1 run's own data can supply when it did not store them. */
export const V1_DERIVED_FIELDS = [
  'fidelityDistribution',
  'actualTokensUsed',
  'fidelityEfficiencyScore',
] as const;

/** A run summarised for people and LLMs. */
export const SimulationSnapshot = z.object({
  runId: z.string(),
  templateId: z.nullable(z.string()),
  causalMode: z.nullable(z.string()),
  status: z.nullable(z.string()),
  entitiesCreated: z.nullable(z.number()),
  timepointsCreated: z.nullable(z.number()),
  /** Distinct, sorted M1..M17 numerically. */
  mechanismsUsed: z.array(z.string()),
  costUsd: z.nullable(z.number()),
  fidelityDistribution: z.nullable(z.record(z.string(), z.number())),
  actualTokensUsed: z.nullable(z.number()),
  tokenBudgetCompliance: z.nullable(z.number()),
  fidelityEfficiencyScore: z.nullable(z.number()),
  narrative: z.nullable(NarrativeSummary),
  /** The run's schema version: `1.0` for a v1 run (archived, or carried over). */
  schemaVersion: z.optional(z.nullable(z.string())),
  /**
   * Metrics a v1 run did not store, computed from its v1 data as backfill does
   * (`metricsFromV1`); the text marks them.
   */
  derivedFromV1: z.optional(z.array(z.enum(V1_DERIVED_FIELDS))),
});
export type SimulationSnapshot = z.infer<typeof SimulationSnapshot>;

const asText = (value: unknown): string | null => {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const key of ['name', 'event', 'description', 'title', 'summary', 'id']) {
      if (typeof o[key] === 'string') return o[key] as string;
    }
  }
  return null;
};

/**
 * Pull characters, timeline, latest event and dialog count out of a narrative
 * export (`datasets/<template>/narrative_*.json`). The export format varies, so
 * this reads leniently and never throws.
 */
export function summarizeNarrative(source: string, json: unknown): NarrativeSummary {
  const o = json && typeof json === 'object' ? (json as Record<string, unknown>) : {};
  const list = (key: string) => (Array.isArray(o[key]) ? (o[key] as unknown[]) : []);
  const characters = list('characters')
    .concat(list('entities'))
    .map(asText)
    .filter((x): x is string => !!x);
  const timeline = list('timeline')
    .concat(list('timepoints'))
    .concat(list('events'))
    .map(asText)
    .filter((x): x is string => !!x);
  const dialogs =
    list('dialogs').length ||
    list('dialog').length ||
    (typeof o.dialog_count === 'number' ? o.dialog_count : 0);
  return {
    source,
    characters: [...new Set(characters)],
    timeline,
    latestEvent: timeline.at(-1) ?? null,
    dialogCount: dialogs,
  };
}

const orDash = (value: unknown) => (value === null || value === undefined ? '—' : String(value));

/** A snapshot argument must at least be an object (`getSnapshot` makes one). */
function checkSnapshot(snapshot: unknown): void {
  if (typeof snapshot !== 'object' || snapshot === null || Array.isArray(snapshot)) {
    throw new ValidationError(
      'snapshot',
      `must be a snapshot (an object, from getSnapshot), got ${previewValue(snapshot)}`,
      { operation: 'read' },
    );
  }
}

/**
 * The text form of a snapshot. It always contains the fidelity block
 * (distribution, budget compliance, efficiency): levels upper-case, finest level
 * first (the documented level order, so DIALOG comes
 * before SCENE before TENSOR_ONLY), `✓` within budget and `⚠` over it, and the
 * efficiency with 6 decimals.
 */
export function formatSnapshotForLlm(snapshot: SimulationSnapshot): string {
  // Only the shape is checked: a snapshot of a foreign file may hold odd values
  // (reads are lenient), and its text still says what is there.
  checkSnapshot(snapshot);
  if (typeof snapshot.runId !== 'string' || !Array.isArray(snapshot.mechanismsUsed)) {
    const field = typeof snapshot.runId !== 'string' ? 'runId' : 'mechanismsUsed';
    throw new ValidationError(
      `snapshot.${field}`,
      `must be ${field === 'runId' ? 'a string' : 'an array'}, got ${previewValue(snapshot[field])}`,
      { operation: 'read' },
    );
  }
  const lines = [
    `Simulation Snapshot: ${snapshot.runId}`,
    `Template: ${orDash(snapshot.templateId)}`,
    `Causal Mode: ${orDash(snapshot.causalMode)}`,
    `Status: ${orDash(snapshot.status)}`,
    `Entities Created: ${orDash(snapshot.entitiesCreated)}`,
    `Timepoints Created: ${orDash(snapshot.timepointsCreated)}`,
    `Mechanisms Used: ${snapshot.mechanismsUsed.length ? snapshot.mechanismsUsed.join(', ') : 'none'}`,
    `Cost: ${snapshot.costUsd === null ? '—' : `$${snapshot.costUsd.toFixed(4)}`}`,
    '',
    ...formatFidelityBlock(snapshot),
  ];
  const n = snapshot.narrative;
  if (n) {
    lines.push(
      '',
      `Narrative (${n.source}):`,
      `  Characters: ${n.characters.length ? n.characters.join(', ') : 'none'}`,
      `  Timeline: ${n.timeline.length} events`,
      `  Latest Event: ${orDash(n.latestEvent)}`,
      `  Dialogs: ${n.dialogCount}`,
    );
  }
  return lines.join('\n');
}

/** The snapshot's fidelity block: distribution, compliance and efficiency. */
export function formatFidelityBlock(
  snapshot: Pick<
    SimulationSnapshot,
    | 'fidelityDistribution'
    | 'tokenBudgetCompliance'
    | 'fidelityEfficiencyScore'
    | 'actualTokensUsed'
    | 'schemaVersion'
    | 'derivedFromV1'
  >,
): string[] {
  checkSnapshot(snapshot);
  // A v1 run never recorded these: say so rather than blame missing tokens or budget.
  const v1 = snapshot.schemaVersion === '1.0';
  const derived = new Set(snapshot.derivedFromV1 ?? []);
  const fromV1 = ' (computed from v1 data)';
  const lines = ['Fidelity Distribution (M1):'];
  const entries = snapshot.fidelityDistribution
    ? sortedDistribution(snapshot.fidelityDistribution, 'finest-first')
    : [];
  if (entries.length === 0) lines.push(v1 ? '  (v1 run: not recorded)' : '  (not recorded)');
  for (const [level, count] of entries) lines.push(`  ${level.toUpperCase()}: ${count} entities`);
  if (entries.length && derived.has('fidelityDistribution'))
    lines.push('  (computed from v1 resolution assignments)');
  lines.push('');
  const compliance = snapshot.tokenBudgetCompliance;
  lines.push(
    compliance === null
      ? `Token Budget Compliance: n/a (${v1 ? 'v1 run: not recorded' : 'no budget'})`
      : `Token Budget Compliance: ${isOverBudget(compliance) ? '⚠' : '✓'} ${(compliance * 100).toFixed(1)}%`,
  );
  const efficiency = snapshot.fidelityEfficiencyScore;
  lines.push(
    efficiency === null
      ? `Fidelity Efficiency: n/a (${v1 && snapshot.actualTokensUsed !== 0 ? 'v1 run: not recorded' : 'no tokens'})`
      : `Fidelity Efficiency: ${efficiency.toFixed(6)} quality/token${derived.has('fidelityEfficiencyScore') ? fromV1 : ''}`,
  );
  return lines;
}
