/**
 * What `runmeta compare --json` must answer, computed independently of runmeta:
 * plain better-sqlite3 reads of an untouched copy of the database, with the
 * documented column names and their SDK field names written out here.
 */
import { expect } from 'vitest';
import { type PlainRow, plainAll } from './helpers.js';

/** The 27 documented columns, in documented order. */
const CANONICAL = [
  'run_id',
  'template_id',
  'created_at',
  'updated_at',
  'causal_mode',
  'goal',
  'origin_description',
  'entities_created',
  'timepoints_created',
  'training_examples',
  'cost_usd',
  'llm_calls',
  'tokens_used',
  'oxen_repo_url',
  'oxen_dataset_url',
  'error_message',
  'status',
  'portal_description',
  'portal_year',
  'origin_year',
  'backward_steps',
  'schema_version',
  'fidelity_strategy_json',
  'fidelity_distribution',
  'actual_tokens_used',
  'token_budget_compliance',
  'fidelity_efficiency_score',
];
/** The columns deployed versions of the earlier tool wrote, in the SDK's order. */
const DEPLOYED = [
  'started_at',
  'completed_at',
  'max_entities',
  'max_timepoints',
  'duration_seconds',
  'summary',
  'summary_generated_at',
  'narrative_exports',
  'narrative_export_generated_at',
  'tensor_resolution_stats',
  'entities_resolved_from_cache',
  'entities_new_baseline',
  'tensor_cache_hit_rate',
];
/** JSON columns whose decoded shape is the SDK's own: only whether they differ is checked. */
const OPAQUE_JSON = ['fidelity_strategy_json', 'narrative_exports', 'tensor_resolution_stats'];
const ENUMS = ['status', 'causal_mode'];

/** The SDK field name of a column (`extra.<column>` for one runmeta does not know). */
export function fieldOf(column: string): string {
  if (column === 'fidelity_strategy_json') return 'fidelityStrategy';
  if (!CANONICAL.includes(column) && !DEPLOYED.includes(column)) return `extra.${column}`;
  return column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The columns of a file's runs table, in table order. */
export function runsColumns(file: string): string[] {
  return plainAll(file, 'SELECT name FROM pragma_table_info(?)', ['runs']).map((r) =>
    String(r.name),
  );
}

/** The value a read gives for a stored one (enums folded, distributions parsed with lowercase keys). */
function readValue(column: string, raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  if (ENUMS.includes(column) && typeof raw === 'string') return raw.trim().toLowerCase();
  if (column === 'fidelity_distribution' && typeof raw === 'string') {
    const out: Record<string, number> = {};
    for (const [level, n] of Object.entries(JSON.parse(raw) as Record<string, number>)) {
      out[level.toLowerCase()] = (out[level.toLowerCase()] ?? 0) + n;
    }
    return out;
  }
  return raw;
}

/** Equal values get equal keys (objects by content, whatever their key order). */
function key(value: unknown): string {
  if (value === null || typeof value !== 'object') return `${typeof value}:${String(value)}`;
  return JSON.stringify(
    Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1))),
  );
}

/** Whether `actual` is `expected` to 9 significant digits. */
function near(actual: unknown, expected: number): boolean {
  return (
    typeof actual === 'number' &&
    Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected))
  );
}

/** One compared run as read independently: its row, and the columns of the table it came from. */
export interface PlainRun {
  row: PlainRow;
  columns: string[];
  source: 'active' | 'archive';
}

interface ComparisonJson {
  runs: { runId: string; source: string }[];
  baseline: string;
  fields: {
    field: string;
    values: unknown[];
    differs: boolean;
    deltas: { absolute: number | null; percent: number | null }[] | null;
  }[];
  mechanisms: {
    events: { mechanism: string; events: number[] }[];
    shared: string[];
    only: string[][];
  };
  fidelity: { levels: string[]; distributions: unknown[]; derived: boolean[] };
  validations: { passed: number; failed: number; total: number; failedValidators: string[] }[];
}

/** Read the compared runs' rows from `files` (the first that holds each run). */
export function plainRuns(
  ids: readonly string[],
  files: { file: string; source: 'active' | 'archive' }[],
): PlainRun[] {
  return ids.map((id) => {
    for (const { file, source } of files) {
      const [row] = plainAll(file, 'SELECT * FROM runs WHERE run_id = ?', [id]);
      if (row) return { row, columns: runsColumns(file), source };
    }
    throw new Error(`no run ${id} in the expected files`);
  });
}

/**
 * Check every field of a `compare --json` answer against the runs read
 * independently: the field list, each value, whether it differs, and the
 * deltas of numeric fields against the baseline.
 */
export function expectFields(
  result: ComparisonJson,
  runs: readonly PlainRun[],
  options: { baseline: number; withSource: boolean },
): void {
  const tables = [...new Set(runs.map((r) => r.columns))];
  const present = new Set(tables.flat());
  const extras = [...new Set(tables.flat())].filter(
    (c) => !CANONICAL.includes(c) && !DEPLOYED.includes(c),
  );
  const columns = [...CANONICAL, ...DEPLOYED.filter((c) => present.has(c)), ...extras];
  const expectedNames = columns.map(fieldOf);
  if (options.withSource) expectedNames.splice(1, 0, 'source');
  expect(result.fields.map((f) => f.field)).toEqual(expectedNames);
  for (const column of columns) {
    const field = result.fields.find((f) => f.field === fieldOf(column))!;
    const raw = runs.map((r) =>
      column === 'schema_version' && !r.columns.includes(column)
        ? '1.0'
        : r.columns.includes(column)
          ? (r.row[column] ?? null)
          : null,
    );
    const values = raw.map((v) => readValue(column, v));
    if (!OPAQUE_JSON.includes(column)) expect(field.values, column).toEqual(values);
    expect(field.differs, column).toBe(new Set(values.map(key)).size > 1);
    const numeric =
      values.some((v) => typeof v === 'number') &&
      values.every((v) => v === null || typeof v === 'number');
    if (!numeric) {
      expect(field.deltas, column).toBeNull();
      continue;
    }
    const base = values[options.baseline] as number | null;
    values.forEach((v, i) => {
      const delta = field.deltas![i]!;
      if (v === null || base === null) {
        expect(delta, `${column}[${i}]`).toEqual({ absolute: null, percent: null });
        return;
      }
      const absolute = (v as number) - base;
      expect(
        near(delta.absolute, absolute),
        `${column}[${i}] ${delta.absolute} vs ${absolute}`,
      ).toBe(true);
      if (base === 0) expect(delta.percent, `${column}[${i}]`).toBeNull();
      else
        expect(near(delta.percent, (absolute / Math.abs(base)) * 100), `${column}[${i}]`).toBe(
          true,
        );
    });
  }
  if (options.withSource) {
    expect(result.fields[1]!.values).toEqual(runs.map((r) => r.source));
  }
}

/** Mechanism events per run from a plain grouped read of `file`, as compare reports them. */
export function expectMechanisms(
  result: ComparisonJson,
  files: string[],
  ids: readonly string[],
): void {
  const counts = ids.map((id) => {
    const m = new Map<string, number>();
    for (const file of files) {
      if (!plainAll(file, 'SELECT 1 FROM runs WHERE run_id = ?', [id]).length) continue;
      for (const row of plainAll(
        file,
        'SELECT mechanism, count(*) AS n FROM mechanism_usage WHERE run_id = ? GROUP BY mechanism',
        [id],
      ))
        m.set(String(row.mechanism), Number(row.n));
      break;
    }
    return m;
  });
  const all = new Set(counts.flatMap((m) => [...m.keys()]));
  expect(new Set(result.mechanisms.events.map((e) => e.mechanism))).toEqual(all);
  for (const e of result.mechanisms.events) {
    expect(e.events, e.mechanism).toEqual(counts.map((m) => m.get(e.mechanism) ?? 0));
  }
  expect(new Set(result.mechanisms.shared)).toEqual(
    new Set([...all].filter((x) => counts.every((m) => m.has(x)))),
  );
  result.mechanisms.only.forEach((only, i) => {
    expect(new Set(only)).toEqual(
      new Set([...counts[i]!.keys()].filter((x) => counts.every((m, j) => j === i || !m.has(x)))),
    );
  });
}

/** Validations passed / failed / in all per run, from a plain read. */
export function expectValidations(
  result: ComparisonJson,
  file: string,
  ids: readonly string[],
): void {
  ids.forEach((id, i) => {
    const [row] = plainAll(
      file,
      'SELECT count(*) AS total, coalesce(sum(passed = 1), 0) AS passed, coalesce(sum(passed = 0), 0) AS failed FROM validations WHERE run_id = ?',
      [id],
    );
    const failedNames = plainAll(
      file,
      'SELECT DISTINCT validator_name FROM validations WHERE run_id = ? AND passed = 0 ORDER BY validator_name',
      [id],
    ).map((r) => String(r.validator_name));
    expect(result.validations[i]).toEqual({
      passed: Number(row!.passed),
      failed: Number(row!.failed),
      total: Number(row!.total),
      failedValidators: failedNames,
    });
  });
}

/**
 * A v1 run's fidelity distribution computed in SQL: each entity's latest
 * assignment (latest timestamp, then highest id), counted per lowercase level.
 */
export function plainDerivedDistribution(
  file: string,
  runId: string,
): Record<string, number> | null {
  const rows = plainAll(
    file,
    `SELECT lower(coalesce(resolution, 'scene')) AS level, count(*) AS n FROM resolution_assignments AS a
     WHERE run_id = ? AND NOT EXISTS (SELECT 1 FROM resolution_assignments AS b WHERE b.run_id = a.run_id
       AND b.entity_id = a.entity_id AND (b.timestamp > a.timestamp OR (b.timestamp = a.timestamp AND b.id > a.id)))
     GROUP BY 1`,
    [runId],
  );
  return rows.length ? Object.fromEntries(rows.map((r) => [String(r.level), Number(r.n)])) : null;
}

export type { ComparisonJson };
