/**
 * Comparing runs side by side (`runmeta compare`): every field of each run and
 * whether it differs, numeric deltas against a baseline run, the mechanisms the
 * runs share or alone used, their fidelity distributions and validation
 * outcomes. A few statements per database — one per table for all the runs
 * asked, each an index lookup on `run_id` — never one per field or per run, so
 * ten runs answer as fast from a million-run file as from a small one.
 *
 * @packageDocumentation
 */

import * as z from 'zod/mini';
import { type ExportField, exportFields, exportValue } from '../columns/export-fields.js';
import { V1_SCHEMA_VERSION } from '../columns/registry.js';
import type { RunMetadata, RunSource } from '../columns/run-record.js';
import { RunNotFoundError, ValidationError } from '../errors.js';
import type { MetadataManager } from '../manager/metadata-manager.js';
import type { ReadSource } from '../manager/read-sources.js';
import { sortedDistribution } from '../metrics/fidelity.js';
import { sortMechanisms } from '../metrics/mechanisms.js';
import { metricsFromV1 } from '../metrics/v1-metrics.js';
import type { FidelityDistribution } from '../schema/fidelity-distribution.js';
import { CompareOptionsSchema, parseOptions } from '../schema/options.js';
import { parseInput } from '../schema/validate.js';
import { NonEmptyText } from '../schema/values.js';
import {
  type MechanismEvents,
  readAssignments,
  readMechanismEvents,
  readRuns,
  readValidationOutcomes,
  type ValidationOutcomes,
} from './compare-reads.js';

/** Options of {@link compareRuns}. */
export interface CompareOptions {
  /** The run deltas are measured from; one of the compared runs. Default: the first. */
  baseline?: string;
  /**
   * Also look for the runs in the read-only v1 archive (a run in both is its
   * active copy); each compared run says its `source`, and `source` is a field.
   */
  includeArchive?: boolean;
}

/** One compared run: its id and the database it was read from. */
export interface ComparedRun {
  runId: string;
  source: RunSource;
}

/** How far one run's value of a numeric field is from the baseline's. */
export interface FieldDelta {
  /** The value minus the baseline's value (to 12 significant digits); null when either is not a number. */
  absolute: number | null;
  /** `absolute` as a percentage of the baseline's value (to 12 significant digits); null when that is 0 or null. */
  percent: number | null;
}

/** One field of the compared runs. Every array has one entry per run, in the order of {@link RunComparison.runs}. */
export interface FieldComparison {
  /**
   * The SDK field name (`costUsd`, as in `RunMetadata`), `source`, or
   * `extra.<column>` for a column runmeta does not know — the names exports use.
   */
  field: string;
  /**
   * Each run's value as stored (a value that could not be decoded is its raw
   * value); null when unset or when the run's table lacks the column.
   */
  values: unknown[];
  /** Whether the values are not all the same (objects compared by content, key order aside). */
  differs: boolean;
  /**
   * For a numeric field (every value a number or null, at least one a
   * number): each run's delta from the baseline (the baseline's own is 0).
   * Null for any other field.
   */
  deltas: FieldDelta[] | null;
}

/** The mechanisms of the compared runs. */
export interface MechanismComparison {
  /** Every mechanism any compared run used, sorted M1..M17, with its events in each run (0: not used). */
  events: { mechanism: string; events: number[] }[];
  /** The mechanisms every compared run used. */
  shared: string[];
  /** Per run, the mechanisms no other compared run used. */
  only: string[][];
}

/** The fidelity distributions of the compared runs. */
export interface FidelityComparison {
  /** Every level any run has, coarsest first (known levels in level order, then others by name). */
  levels: string[];
  /** Per run: entities per level, or null when the run has none. */
  distributions: (FidelityDistribution | null)[];
  /**
   * Per run: whether the distribution was computed from its resolution
   * assignments — a v1 run stores none, so it is derived as snapshots and
   * migration backfill derive it — rather than read from the run.
   */
  derived: boolean[];
}

/** The validations of one compared run. */
export interface ValidationTally {
  passed: number;
  failed: number;
  /** Every validation recorded, including any whose outcome cannot be read as passed or failed. */
  total: number;
  /** The validators with at least one failed validation, sorted by name. */
  failedValidators: string[];
}

/** Runs side by side: what {@link compareRuns} returns. */
export interface RunComparison {
  /** The compared runs, in the order asked. */
  runs: ComparedRun[];
  /** The run the deltas are measured from. */
  baseline: string;
  /**
   * Every field the runs have, in the export order: `runId`, `source` (with
   * `includeArchive`), the 26 other documented fields, the known deployed
   * columns the runs' tables have, then unknown columns as `extra.<column>`.
   */
  fields: FieldComparison[];
  mechanisms: MechanismComparison;
  fidelity: FidelityComparison;
  /** Per run, its validations passed and failed. */
  validations: ValidationTally[];
}

/** A value as a key that is equal for equal values (objects by content, key order aside). */
function valueKey(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return `number:${value}`;
  if (value instanceof Uint8Array)
    return `bytes:${Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  if (typeof value !== 'object') return `${typeof value}:${String(value)}`;
  if (Array.isArray(value)) return `[${value.map(valueKey).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${valueKey(v)}`).join(',')}}`;
}

const asNumber = (value: unknown): number | null =>
  typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : null;

/**
 * A difference to 12 significant digits: binary floating point leaves noise in
 * the last digits (0.52 − 0.4 is 0.12000000000000001), and stored decimals
 * should give a decimal difference.
 */
const significant = (n: number): number => (Number.isFinite(n) ? Number(n.toPrecision(12)) : n);

/** Each run's delta from the baseline's value, or null when the field is not numeric. */
function deltasOf(values: readonly unknown[], baseline: number): FieldDelta[] | null {
  const numeric =
    values.some((v) => asNumber(v) !== null) &&
    values.every((v) => v === null || asNumber(v) !== null);
  if (!numeric) return null;
  const base = asNumber(values[baseline]);
  return values.map((value) => {
    const n = asNumber(value);
    if (n === null || base === null) return { absolute: null, percent: null };
    const absolute = n - base;
    return {
      absolute: significant(absolute),
      percent: base === 0 ? null : significant((absolute / Math.abs(base)) * 100),
    };
  });
}

function compareField(
  field: ExportField,
  runs: readonly RunMetadata[],
  baseline: number,
): FieldComparison {
  const values = runs.map((run) => exportValue(run, field) ?? null);
  const first = valueKey(values[0]);
  return {
    field: field.name,
    values,
    differs: values.some((v) => valueKey(v) !== first),
    deltas: deltasOf(values, baseline),
  };
}

function compareMechanisms(runIds: readonly string[], events: Map<string, MechanismEvents[]>) {
  const used = runIds.map((id) => new Map((events.get(id) ?? []).map((e) => [e.mechanism, e])));
  const all = sortMechanisms(used.flatMap((m) => [...m.keys()]));
  return {
    events: all.map((mechanism) => ({
      mechanism,
      events: used.map((m) => m.get(mechanism)?.events ?? 0),
    })),
    shared: all.filter((mechanism) => used.every((m) => m.has(mechanism))),
    only: used.map((mine, i) =>
      all.filter(
        (mechanism) => mine.has(mechanism) && used.every((m, j) => j === i || !m.has(mechanism)),
      ),
    ),
  } satisfies MechanismComparison;
}

function tally(outcomes: readonly ValidationOutcomes[] = []): ValidationTally {
  const result: ValidationTally = { passed: 0, failed: 0, total: 0, failedValidators: [] };
  const failed = new Set<string>();
  for (const o of outcomes) {
    result.total += o.count;
    if (o.passed === true) result.passed += o.count;
    if (o.passed === false) {
      result.failed += o.count;
      failed.add(o.validatorName);
    }
  }
  result.failedValidators = [...failed].sort();
  return result;
}

/** Check the run ids: at least two, each a non-empty string, none twice. */
function runIdsArgument(value: unknown): string[] {
  const runIds = parseInput(z.array(NonEmptyText), value, 'runIds', 'read');
  if (runIds.length < 2) {
    throw new ValidationError(
      'runIds',
      `needs at least two runs to compare, got ${runIds.length}`,
      {
        operation: 'read',
        hint: 'Pass two or more run ids, e.g. compareRuns(manager, [first, second])',
        cliHint: 'Name two or more runs, e.g. `runmeta compare <run> <run>`',
      },
    );
  }
  const seen = new Set<string>();
  for (const runId of runIds) {
    if (seen.has(runId)) {
      throw new ValidationError('runIds', `names run "${runId}" twice`, {
        operation: 'read',
        hint: 'Name each run once',
      });
    }
    seen.add(runId);
  }
  return runIds;
}

/** The error for a run found nowhere: it names the archive when the run is only there. */
async function notFound(manager: MetadataManager, runId: string, searchedArchive: boolean) {
  if (searchedArchive) return new RunNotFoundError(runId);
  try {
    const archive = (await manager.readSources({ includeArchive: true }))[1];
    if (archive && (await readRuns(archive, [runId])).has(runId)) {
      return new RunNotFoundError(runId, { archive: archive.location });
    }
  } catch {
    // A damaged archive is not this question's: the plain error stands.
  }
  return new RunNotFoundError(runId);
}

/**
 * Compare two or more runs side by side: every field (with whether it differs
 * and, for numbers, the delta from the baseline run in absolute terms and in
 * percent), the mechanisms they share and those only one of them used (events
 * per run), their fidelity distributions and their validations passed and
 * failed.
 *
 * Throws a `ValidationError` for fewer than two run ids, a run named twice, or
 * a `baseline` that is not one of them, and a `RunNotFoundError` naming the
 * first run that does not exist (saying so when it is in the v1 archive and
 * `includeArchive` was not given).
 *
 * @example
 * ```ts
 * const comparison = await compareRuns(manager, ['run_a', 'run_b'], { baseline: 'run_a' });
 * for (const f of comparison.fields.filter((f) => f.differs)) console.log(f.field, f.values, f.deltas);
 * ```
 */
export async function compareRuns(
  manager: MetadataManager,
  runIds: readonly string[],
  options: CompareOptions = {},
): Promise<RunComparison> {
  const ids = runIdsArgument(runIds);
  const { baseline = ids[0]!, includeArchive = false } = parseOptions(
    CompareOptionsSchema,
    options,
    { operation: 'read' },
  );
  const baselineIndex = ids.indexOf(baseline);
  if (baselineIndex < 0) {
    throw new ValidationError(
      'baseline',
      `must be one of the compared runs (${ids.map((id) => `"${id}"`).join(', ')}), got "${baseline}"`,
      { operation: 'read', hint: 'Name one of the compared runs as the baseline' },
    );
  }

  const sources = await manager.readSources({ includeArchive });
  const found = new Map<string, RunMetadata>();
  const holders = new Map<ReadSource, string[]>();
  for (const source of sources) {
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length === 0) break;
    const runs = await readRuns(source, missing);
    for (const [id, run] of runs) found.set(id, run);
    if (runs.size) holders.set(source, [...runs.keys()]);
  }
  const missing = ids.find((id) => !found.has(id));
  if (missing !== undefined) throw await notFound(manager, missing, includeArchive);
  const runs = ids.map((id) => found.get(id)!);

  const mechanisms = new Map<string, MechanismEvents[]>();
  const validations = new Map<string, ValidationOutcomes[]>();
  const derived = new Map<string, FidelityDistribution | null>();
  for (const [source, held] of holders) {
    for (const [id, list] of await readMechanismEvents(source, held)) mechanisms.set(id, list);
    for (const [id, list] of await readValidationOutcomes(source, held)) validations.set(id, list);
    // A v1 run stores no distribution: derive it as snapshots and backfill do.
    const v1 = held.filter((id) => {
      const run = found.get(id)!;
      return run.fidelityDistribution === null && run.schemaVersion === V1_SCHEMA_VERSION;
    });
    for (const [id, assignments] of await readAssignments(source, v1)) {
      derived.set(id, metricsFromV1(found.get(id)!, assignments).fidelityDistribution);
    }
  }

  const tables = [...holders.keys()].map((source) => [...source.columns('runs')]);
  const fields = exportFields(tables, { source: includeArchive }).map((field) =>
    compareField(field, runs, baselineIndex),
  );
  const distributions = runs.map(
    (run) => run.fidelityDistribution ?? derived.get(run.runId) ?? null,
  );
  const levels = Object.fromEntries(
    distributions.flatMap((d) => Object.keys(d ?? {})).map((level) => [level, 0]),
  );
  return {
    runs: runs.map((run) => ({ runId: run.runId, source: run.source ?? 'active' })),
    baseline,
    fields,
    mechanisms: compareMechanisms(ids, mechanisms),
    fidelity: {
      levels: sortedDistribution(levels).map(([level]) => level),
      distributions,
      derived: runs.map(
        (run) => run.fidelityDistribution === null && derived.get(run.runId) != null,
      ),
    },
    validations: ids.map((id) => tally(validations.get(id))),
  };
}
