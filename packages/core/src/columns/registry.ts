/**
 * The column registry: every column of `runs`, the child tables and the history
 * table is declared exactly once here — SQL name, SQL type, default, the version
 * that introduced it, its codec and its write schema. DDL, statements, projections
 * and row decoding are all derived from these declarations.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { RUN_STATUSES, TEMPORAL_MODES } from '../schema/enum-values.js';
import { type Lenient, ResolutionLevel, RunStatus, TemporalMode } from '../schema/enums.js';
import { FidelityDistribution } from '../schema/fidelity-distribution.js';
import {
  FidelityStrategyInput,
  type StoredStrategy,
  strategyFromJson,
  strategyToJson,
} from '../schema/strategy.js';
import { Count, JsonValue, NonEmptyText, NonNegative, Timestamp, Year } from '../schema/values.js';
import type { SqlType } from '../sql/sql-type.js';
import {
  booleanCodec,
  type Codec,
  enumCodec,
  integerCodec,
  jsonCodec,
  realCodec,
  textCodec,
} from './codecs.js';

/** Which schema introduced a column. */
export type ColumnOrigin =
  /** Documented v1 (part of every fresh v2 table too). */
  | 'v1'
  /** Added by v2. */
  | 'v2'
  /** Written by deployed versions of the earlier tool; known on read, added on demand. */
  | 'deployed';

/** One declared column. `T` is the SDK value type. */
export interface ColumnDef<T = unknown> {
  readonly name: string;
  readonly sqlType: SqlType;
  readonly origin: ColumnOrigin;
  readonly codec: Codec<T>;
  /** Strict schema for writes (the value before encoding). */
  readonly schema: z.ZodMiniType<T>;
  readonly description: string;
  readonly primaryKey?: 'plain' | 'autoincrement';
  readonly notNull?: boolean;
  /** SQL literal used as DEFAULT. */
  readonly defaultSql?: string;
  /** Create an index on this column. */
  readonly indexed?: boolean;
  /** `table(column)` this column references. */
  readonly references?: string;
  /** The column holds ISO-8601 times: filters compare and sort them as times (`schema/time.ts`). */
  readonly time?: boolean;
  /** The known values of an enum column (stored lowercase; filters match them case-insensitively). */
  readonly enumValues?: readonly string[];
}

type Extra<T> = Partial<Omit<ColumnDef<T>, 'name' | 'codec' | 'schema' | 'sqlType'>> & {
  description: string;
};

function column<T>(
  name: string,
  sqlType: SqlType,
  codec: Codec<T>,
  schema: z.ZodMiniType<T>,
  extra: Extra<T>,
): ColumnDef<T> {
  return { origin: 'v1', ...extra, name, sqlType, codec, schema };
}

const text = (name: string, extra: Extra<string>, schema: z.ZodMiniType<string> = z.string()) =>
  column(name, 'TEXT', textCodec, schema, extra);
const timestamp = (name: string, extra: Extra<string>, sqlType: SqlType = 'TIMESTAMP') =>
  column(name, sqlType, textCodec, Timestamp, { ...extra, time: true });
const integer = (name: string, extra: Extra<number>, schema: z.ZodMiniType<number> = Count) =>
  column(name, 'INTEGER', integerCodec, schema, extra);
const real = (name: string, extra: Extra<number>, schema: z.ZodMiniType<number> = NonNegative) =>
  column(name, 'REAL', realCodec, schema, extra);
const json = (name: string, extra: Extra<unknown>) =>
  column<unknown>(name, 'TEXT', jsonCodec(), JsonValue, extra);

const distributionCodec = jsonCodec<FidelityDistribution>({
  // Deployed files use lowercase keys, the old guide's examples upper-case: fold on read.
  fromJson(json) {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
    const parsed = json as Record<string, unknown>;
    let folded = false;
    for (const key in parsed) {
      const count = parsed[key];
      if (typeof count !== 'number') return null;
      // Rebuilt as before for upper-case levels, and for a `__proto__` key or a
      // -0, which the rebuild drops or makes 0.
      if (key !== key.toLowerCase() || key === '__proto__' || Object.is(count, -0)) folded = true;
    }
    // The usual case, lower-case keys: the freshly parsed object is the answer.
    if (!folded) return parsed as FidelityDistribution;
    const out: FidelityDistribution = {};
    for (const [key, count] of Object.entries(parsed)) {
      const level = key.toLowerCase();
      out[level] = (out[level] ?? 0) + (count as number);
    }
    return out;
  },
});

const strategyCodec = jsonCodec<StoredStrategy>({
  fromJson: (json) =>
    typeof json === 'object' && json !== null && !Array.isArray(json)
      ? strategyFromJson(json as Record<string, unknown>)
      : null,
  toJson: strategyToJson,
});

/**
 * The 27 documented columns of `runs`, keyed by SDK field name, in documented
 * order: the 21 v1 columns, then the 6 v2 columns.
 */
export const CANONICAL_RUN_COLUMNS = {
  runId: text(
    'run_id',
    { primaryKey: 'plain', description: 'Unique id of the run.' },
    NonEmptyText,
  ),
  templateId: text(
    'template_id',
    { indexed: true, description: 'Template the run was made from.' },
    NonEmptyText,
  ),
  createdAt: timestamp('created_at', {
    indexed: true,
    description: 'When the run started (ISO-8601).',
  }),
  updatedAt: timestamp('updated_at', { description: 'When the run was last written (ISO-8601).' }),
  causalMode: column(
    'causal_mode',
    'TEXT',
    enumCodec('temporalMode') as Codec<Lenient<TemporalMode>>,
    TemporalMode as z.ZodMiniType<Lenient<TemporalMode>>,
    {
      enumValues: TEMPORAL_MODES,
      description:
        'Temporal mode (forward, directorial, branching, cyclical, portal, pearl, nonlinear).',
    },
  ),
  goal: text('goal', { description: 'What the simulation set out to do.' }),
  originDescription: text('origin_description', { description: 'Starting situation.' }),
  entitiesCreated: integer('entities_created', { description: 'Entities the run created.' }),
  timepointsCreated: integer('timepoints_created', { description: 'Timepoints the run created.' }),
  trainingExamples: integer('training_examples', { description: 'Training examples produced.' }),
  // Indexed: "the most expensive runs" is a first question (`runs list --sort cost`).
  costUsd: real('cost_usd', { indexed: true, description: 'LLM cost in US dollars.' }),
  llmCalls: integer('llm_calls', { description: 'Number of LLM calls.' }),
  tokensUsed: integer('tokens_used', { indexed: true, description: 'Tokens the run used.' }),
  oxenRepoUrl: text('oxen_repo_url', { description: 'Dataset repository URL.' }),
  oxenDatasetUrl: text('oxen_dataset_url', { description: 'Dataset file URL.' }),
  errorMessage: text('error_message', { description: 'Why the run failed, if it did.' }),
  status: column(
    'status',
    'TEXT',
    enumCodec('status') as Codec<Lenient<RunStatus>>,
    RunStatus as z.ZodMiniType<Lenient<RunStatus>>,
    {
      enumValues: RUN_STATUSES,
      indexed: true,
      description: 'running, completed or failed.',
    },
  ),
  portalDescription: text('portal_description', { description: 'Portal-mode end state.' }),
  portalYear: integer('portal_year', { description: 'Portal-mode target year.' }, Year),
  originYear: integer('origin_year', { description: 'Year the simulation starts in.' }, Year),
  backwardSteps: integer('backward_steps', { description: 'Portal-mode backward steps.' }),
  schemaVersion: text(
    'schema_version',
    {
      origin: 'v2',
      defaultSql: "'2.0'",
      indexed: true,
      description: "Schema version of the row ('2.0'; carried-over v1 rows hold '1.0').",
    },
    // Only the versions this SDK writes: saving '3.0' would lock the file against us.
    z.enum(['1.0', '2.0']),
  ),
  fidelityStrategy: column(
    'fidelity_strategy_json',
    'TEXT',
    strategyCodec,
    FidelityStrategyInput as z.ZodMiniType<StoredStrategy>,
    {
      origin: 'v2',
      description: 'The FidelityTemporalStrategy as JSON.',
    },
  ),
  fidelityDistribution: column(
    'fidelity_distribution',
    'TEXT',
    distributionCodec,
    FidelityDistribution,
    {
      origin: 'v2',
      description: 'Entities per resolution level, JSON with lowercase keys.',
    },
  ),
  actualTokensUsed: real('actual_tokens_used', {
    origin: 'v2',
    indexed: true,
    description: 'Tokens actually used.',
  }),
  tokenBudgetCompliance: real('token_budget_compliance', {
    origin: 'v2',
    indexed: true,
    description: 'actual_tokens / token_budget; over 1.0 means over budget.',
  }),
  fidelityEfficiencyScore: real('fidelity_efficiency_score', {
    origin: 'v2',
    indexed: true,
    description: '(entities_created + timepoints_created) / actual_tokens.',
  }),
};

/**
 * Columns deployed versions of the earlier tool wrote: typed on read, never part
 * of a fresh table, added on demand when a value for one of them is written.
 */
export const DEPLOYED_RUN_COLUMNS = {
  startedAt: timestamp(
    'started_at',
    { origin: 'deployed', description: 'Deployed name of the start time.' },
    'TEXT',
  ),
  completedAt: timestamp(
    'completed_at',
    { origin: 'deployed', description: 'Deployed completion time.' },
    'TEXT',
  ),
  maxEntities: integer('max_entities', {
    origin: 'deployed',
    description: 'Entity limit of the run.',
  }),
  maxTimepoints: integer('max_timepoints', {
    origin: 'deployed',
    description: 'Timepoint limit of the run.',
  }),
  durationSeconds: real('duration_seconds', {
    origin: 'deployed',
    description: 'Wall-clock duration.',
  }),
  summary: text('summary', { origin: 'deployed', description: 'Generated run summary.' }),
  summaryGeneratedAt: timestamp(
    'summary_generated_at',
    { origin: 'deployed', description: 'When the summary was made.' },
    'TEXT',
  ),
  narrativeExports: json('narrative_exports', {
    origin: 'deployed',
    description: 'Narrative export paths, JSON.',
  }),
  narrativeExportGeneratedAt: timestamp(
    'narrative_export_generated_at',
    { origin: 'deployed', description: 'When narratives were exported.' },
    'TEXT',
  ),
  tensorResolutionStats: json('tensor_resolution_stats', {
    origin: 'deployed',
    description: 'Tensor resolution statistics, JSON.',
  }),
  entitiesResolvedFromCache: integer('entities_resolved_from_cache', {
    origin: 'deployed',
    defaultSql: '0',
    description: 'Entities served from the tensor cache.',
  }),
  entitiesNewBaseline: integer('entities_new_baseline', {
    origin: 'deployed',
    defaultSql: '0',
    description: 'Entities built from scratch.',
  }),
  tensorCacheHitRate: real('tensor_cache_hit_rate', {
    origin: 'deployed',
    description: 'Tensor cache hit rate.',
  }),
};
/** Every known column of `runs`: canonical first, then deployed. */
export const RUN_COLUMNS = { ...CANONICAL_RUN_COLUMNS, ...DEPLOYED_RUN_COLUMNS };
export type RunColumns = typeof RUN_COLUMNS;
export type RunField = keyof RunColumns;

/** A child's `run_id`; `indexed: false` where a composite index leads with it instead. */
const runIdRef = (description: string, indexed = true) =>
  text('run_id', { notNull: true, indexed, references: 'runs(run_id)', description }, NonEmptyText);
const autoId = () => integer('id', { primaryKey: 'autoincrement', description: 'Row id.' });
const childTimestamp = () =>
  timestamp('timestamp', { notNull: true, description: 'When it happened (ISO-8601).' }, 'TEXT');

/** `mechanism_usage`: one row per mechanism event. */
export const MECHANISM_COLUMNS = {
  id: autoId(),
  runId: runIdRef('Run the event belongs to.', false),
  mechanism: text('mechanism', { notNull: true, description: 'Mechanism id (M1..M17, M1+M17).' }),
  functionName: text('function_name', { notNull: true, description: 'Function that fired it.' }),
  timestamp: childTimestamp(),
  context: json('context', { description: 'Context object, JSON.' }),
};

/** `resolution_assignments`: one row per entity resolution decision. */
export const RESOLUTION_COLUMNS = {
  id: autoId(),
  runId: runIdRef('Run the assignment belongs to.'),
  entityId: text('entity_id', { notNull: true, description: 'Entity.' }),
  resolution: column(
    'resolution',
    'TEXT',
    enumCodec('resolution') as Codec<Lenient<ResolutionLevel>>,
    ResolutionLevel as z.ZodMiniType<Lenient<ResolutionLevel>>,
    {
      notNull: true,
      description: 'Resolution level assigned.',
    },
  ),
  timepointId: text('timepoint_id', { notNull: true, description: 'Timepoint.' }),
  timestamp: childTimestamp(),
};

/** `validations`: one row per validator outcome. */
export const VALIDATION_COLUMNS = {
  id: autoId(),
  runId: runIdRef('Run the validation belongs to.'),
  validatorName: text('validator_name', { notNull: true, description: 'Validator.' }),
  passed: column('passed', 'BOOLEAN', booleanCodec, z.boolean(), {
    notNull: true,
    description: 'Outcome.',
  }),
  timestamp: childTimestamp(),
  message: text('message', { description: 'Message, if any.' }),
  violations: column('violations', 'TEXT', jsonCodec<string[]>(), z.array(z.string()), {
    description: 'Violations, JSON array of strings.',
  }),
};

/** `runmeta_migrations`: the history of every schema change runmeta made. */
export const HISTORY_COLUMNS = {
  id: autoId(),
  appliedAt: timestamp('applied_at', { notNull: true, description: 'When the step ran.' }, 'TEXT'),
  kind: text('kind', {
    notNull: true,
    description: 'create, migrate, repair, add-columns or carry-over-archive.',
  }),
  fromVersion: text('from_version', { description: 'Schema version before.' }),
  toVersion: text('to_version', { notNull: true, description: 'Schema version after.' }),
  strategy: text('strategy', { description: 'archive or carry-over, for migrations.' }),
  details: json('details', { description: 'Archive name, rows carried, columns added, JSON.' }),
  sdkVersion: text('sdk_version', { notNull: true, description: 'runmeta version that ran it.' }),
};

/** A declared table. */
export interface TableDef {
  readonly name: string;
  readonly columns: Readonly<Record<string, ColumnDef>>;
  /** Indexes over several columns, besides each `indexed` column's own. */
  readonly indexes?: readonly CompositeIndex[];
}

/** An index over several columns of a table, declared for the questions it answers. */
export interface CompositeIndex {
  readonly name: string;
  /** SQL column names, in index order. */
  readonly columns: readonly string[];
  /** The question it makes fast, and how (for the docs). */
  readonly purpose: string;
  /**
   * The index earlier versions created instead (its columns lead this one's,
   * so it serves the same lookups, only slower). A file that has it counts as
   * having this one: opening it builds nothing and drops nothing.
   */
  readonly replaces?: string;
}

/**
 * The indexes `report` reads instead of the runs (SPEC §9). Each is a small
 * copy of a few columns in the order a question needs them, so a million-run
 * summary by template is a walk of about 100 MB of index, in order, rather than a
 * read of every run's row plus a sort of all of them (8 s → under 1 s at 1M
 * runs). A run writes two more index entries for it when it starts and when it
 * completes, a small price next to its mechanism rows.
 */
export const RUN_QUESTION_INDEXES: readonly CompositeIndex[] = [
  {
    name: 'idx_runs_report_totals',
    columns: [
      'template_id',
      'status',
      'fidelity_distribution',
      'cost_usd',
      'tokens_used',
      'llm_calls',
      'token_budget_compliance',
    ],
    purpose:
      '`report` by template, or `--by none`, over every run: the totals walk this index in order, each distinct fidelity distribution read once per template and status rather than once per run',
  },
  {
    name: 'idx_runs_template_compliance',
    columns: ['template_id', 'token_budget_compliance'],
    purpose:
      "`report`'s compliance median and p90 of each template, read at their rank within the template's entries",
  },
];

/**
 * The index of `mechanism_usage`: by run, then mechanism. Reading which
 * mechanisms each run used (`getAllRuns({ withMechanisms })`, a run page,
 * coverage) walks this index alone, never the table's rows: 2.5× faster on
 * 2,000 runs × 40 events. It costs a write no more than the index on `run_id`
 * alone that files made before it have (and keep).
 */
export const MECHANISM_INDEXES: readonly CompositeIndex[] = [
  {
    name: 'idx_mechanism_usage_run_mechanism',
    columns: ['run_id', 'mechanism'],
    purpose:
      "a run's mechanisms, and each run's distinct mechanisms in a list, read from the index alone",
    replaces: 'idx_mechanism_usage_run_id',
  },
];

/** The declared composite index named `name` (a registry name: its absence is a bug). */
export function questionIndex(name: string): CompositeIndex {
  const index = RUN_QUESTION_INDEXES.find((i) => i.name === name);
  if (!index) throw new Error(`no question index named ${name}`);
  return index;
}

/** Every table runmeta owns, in creation order. */
export const TABLES = {
  runs: { name: 'runs', columns: RUN_COLUMNS, indexes: RUN_QUESTION_INDEXES },
  mechanismUsage: {
    name: 'mechanism_usage',
    columns: MECHANISM_COLUMNS,
    indexes: MECHANISM_INDEXES,
  },
  resolutionAssignments: { name: 'resolution_assignments', columns: RESOLUTION_COLUMNS },
  validations: { name: 'validations', columns: VALIDATION_COLUMNS },
  history: { name: 'runmeta_migrations', columns: HISTORY_COLUMNS },
} as const satisfies Record<string, TableDef>;

/** The child tables of a run. */
export const CHILD_TABLES: readonly TableDef[] = [
  TABLES.mechanismUsage,
  TABLES.resolutionAssignments,
  TABLES.validations,
];

/** The SDK's own schema version. */
export const CURRENT_SCHEMA_VERSION = '2.0';
/** What v1 rows report as their schema version. */
export const V1_SCHEMA_VERSION = '1.0';

/** Columns of a table as an ordered list. */
export function columnsOf(def: TableDef): ColumnDef[] {
  return Object.values(def.columns);
}

/** Columns a fresh table of the given version has, in documented order. */
export function canonicalColumns(def: TableDef, version: 'v1' | 'v2' = 'v2'): ColumnDef[] {
  return columnsOf(def).filter((c) => c.origin === 'v1' || (version === 'v2' && c.origin === 'v2'));
}

/** Look a column up by SQL name. */
export function columnByName(def: TableDef, name: string): ColumnDef | undefined {
  return columnsOf(def).find((c) => c.name === name);
}
