/**
 * Schema detection: a pure classification of an {@link ObservedSchema}.
 */
import {
  CHILD_TABLES,
  CURRENT_SCHEMA_VERSION,
  canonicalColumns,
  columnsOf,
  TABLES,
  V1_SCHEMA_VERSION,
} from '../columns/registry.js';
import { indexesOf, olderFormIn } from '../columns/sql.js';
import type { ObservedSchema } from '../sql/observed-schema.js';

/** What kind of run database this is. */
export type SchemaKind =
  /** The database does not exist yet. */
  | 'absent'
  /** The database exists but holds no tables (an empty file): never guessed at. */
  | 'empty'
  /** SQLite, but with tables and no `runs` table (or a `runs` table without `run_id`). */
  | 'foreign'
  /** v1 exactly as documented (21 columns). */
  | 'v1-documented'
  /** v1 as the earlier tool deployed it (18 columns, started_at/completed_at). */
  | 'v1-deployed-18'
  /** The 18-column form plus summary and summary_generated_at. */
  | 'v1-deployed-20'
  /** Some other v1 shape (no schema_version column). */
  | 'v1-variant'
  /** v2 with all 27 columns. */
  | 'v2'
  /** v2 (has schema_version) but lacks some of the 27 columns, e.g. the deployed 32-column file. */
  | 'v2-missing-columns'
  /** A schema_version newer than this SDK knows. */
  | 'newer';

/** The result of {@link detectSchema}. */
export interface SchemaDetection {
  kind: SchemaKind;
  /** `1.0`, `2.0`, the newer version found, or null when absent/foreign. */
  version: string | null;
  /** Columns of `runs`, in table order. */
  runsColumns: string[];
  /** Canonical v2 columns the `runs` table lacks. */
  missingColumns: string[];
  /** Columns of `runs` outside the 27 canonical ones (known deployed or unknown). */
  additionalColumns: string[];
  /** runmeta tables (child tables, history) that are missing. */
  missingTables: string[];
  /** runmeta indexes that are missing (only meaningful for v2). */
  missingIndexes: string[];
}

const V1_DOCUMENTED = canonicalColumns(TABLES.runs, 'v1').map((c) => c.name);
const V1_DEPLOYED_18 = [
  'run_id',
  'template_id',
  'started_at',
  'completed_at',
  'causal_mode',
  'max_entities',
  'max_timepoints',
  'entities_created',
  'timepoints_created',
  'training_examples',
  'cost_usd',
  'llm_calls',
  'tokens_used',
  'duration_seconds',
  'oxen_repo_url',
  'oxen_dataset_url',
  'status',
  'error_message',
];
const V1_DEPLOYED_20 = [...V1_DEPLOYED_18, 'summary', 'summary_generated_at'];
const V2_CANONICAL = canonicalColumns(TABLES.runs, 'v2').map((c) => c.name);

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && b.every((name) => a.includes(name));

/** Major version number of a `schema_version` value (`2.0` → 2); NaN for nonsense. */
function major(version: string): number {
  return Number.parseInt(version, 10);
}

/** Whether a version is newer than the SDK's. */
export function isNewerVersion(version: string): boolean {
  const m = major(version);
  return Number.isFinite(m) && m > major(CURRENT_SCHEMA_VERSION);
}

/** Classify a database schema (`null`: the database does not exist). Pure. */
export function detectSchema(observed: ObservedSchema | null): SchemaDetection {
  const schema = observed ?? { tables: {}, indexes: [], schemaVersions: [] };
  const runs = schema.tables.runs;
  const tableNames = Object.keys(schema.tables);
  const base = {
    runsColumns: runs?.map((c) => c.name) ?? [],
    missingColumns: [] as string[],
    additionalColumns: [] as string[],
    missingTables: [] as string[],
    missingIndexes: [] as string[],
  };
  if (!runs) {
    const kind = observed === null ? 'absent' : tableNames.length === 0 ? 'empty' : 'foreign';
    return { ...base, kind, version: null };
  }
  // SQLite column names are case-insensitive: `GOAL` is our `goal`.
  const names = base.runsColumns.map((name) => name.toLowerCase());
  // Every read and write addresses a run by its run_id: without one, a `runs`
  // table is not a table of runs.
  if (!names.includes('run_id')) return { ...base, kind: 'foreign', version: null };
  base.missingColumns = V2_CANONICAL.filter((name) => !names.includes(name));
  base.additionalColumns = base.runsColumns.filter(
    (name) => !V2_CANONICAL.includes(name.toLowerCase()),
  );
  base.missingTables = [...CHILD_TABLES, TABLES.history]
    .map((t) => t.name)
    .filter((name) => !schema.tables[name]);

  if (!names.includes('schema_version')) {
    const kind = sameSet(names, V1_DOCUMENTED)
      ? 'v1-documented'
      : sameSet(names, V1_DEPLOYED_18)
        ? 'v1-deployed-18'
        : sameSet(names, V1_DEPLOYED_20)
          ? 'v1-deployed-20'
          : 'v1-variant';
    return { ...base, kind, version: V1_SCHEMA_VERSION };
  }

  const newer = schema.schemaVersions
    .filter(isNewerVersion)
    .sort((a, b) => Number.parseFloat(a) - Number.parseFloat(b))
    .at(-1);
  if (newer) return { ...base, kind: 'newer', version: newer };

  base.missingIndexes = [TABLES.runs, ...CHILD_TABLES]
    .flatMap((t) =>
      indexesOf(
        t,
        columnsOf(t).filter((c) => c.origin !== 'deployed'),
      ),
    )
    .filter((index) => !schema.indexes.includes(index.name) && !olderFormIn(index, schema.indexes))
    .map((index) => index.name);
  return {
    ...base,
    kind: base.missingColumns.length ? 'v2-missing-columns' : 'v2',
    version: CURRENT_SCHEMA_VERSION,
  };
}

/** Whether a detected database can be used as it is, with no schema change. */
export function isUpToDate(detection: SchemaDetection): boolean {
  return (
    detection.kind === 'v2' &&
    detection.missingTables.length === 0 &&
    detection.missingIndexes.length === 0
  );
}
