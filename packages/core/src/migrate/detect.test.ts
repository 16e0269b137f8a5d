import { describe, expect, it } from 'vitest';
import { detectSchema, isNewerVersion, isUpToDate } from './detect.js';
import type { ObservedColumn, ObservedSchema } from './observe.js';

/**
 * Columns from `name:type:notnull:default:pk` entries, the format of
 * `SELECT name||':'||type||':'||notnull||':'||ifnull(dflt_value,'')||':'||pk
 *  FROM pragma_table_info(...)` run on the fixtures in shared/fixtures/legacy-dbs.
 */
function cols(spec: string): ObservedColumn[] {
  return spec
    .trim()
    .split(/\s+/)
    .map((entry) => {
      const [name = '', type = '', notNull, dflt = '', pk] = entry.split(':');
      return {
        name,
        type,
        notNull: notNull === '1',
        defaultSql: dflt === '' ? null : dflt,
        primaryKey: pk === '1',
      };
    });
}

const DEPLOYED_18 = `run_id:TEXT:0::1 template_id:TEXT:1::0 started_at:TEXT:1::0
  completed_at:TEXT:0::0
  causal_mode:TEXT:1::0 max_entities:INTEGER:0::0 max_timepoints:INTEGER:0::0
  entities_created:INTEGER:0:0:0 timepoints_created:INTEGER:0:0:0
  training_examples:INTEGER:0:0:0 cost_usd:REAL:0:0.0:0 llm_calls:INTEGER:0:0:0
  tokens_used:INTEGER:0:0:0 duration_seconds:REAL:0::0 oxen_repo_url:TEXT:0::0
  oxen_dataset_url:TEXT:0::0 status:TEXT:0:'running':0 error_message:TEXT:0::0`;
const SUMMARY = 'summary:TEXT:0::0 summary_generated_at:TEXT:0::0';
const V2_ADDED = `schema_version:TEXT:0:'2.0':0 fidelity_strategy_json:TEXT:0::0
  fidelity_distribution:TEXT:0::0 actual_tokens_used:REAL:0::0
  token_budget_compliance:REAL:0::0 fidelity_efficiency_score:REAL:0::0`;
const DEPLOYED_32_EXTRA = `narrative_exports:TEXT:0::0 narrative_export_generated_at:TEXT:0::0
  tensor_resolution_stats:TEXT:0::0 entities_resolved_from_cache:INTEGER:0:0:0
  entities_new_baseline:INTEGER:0:0:0 tensor_cache_hit_rate:REAL:0::0`;
const DOCUMENTED_21 = `run_id:TEXT:0::1 template_id:TEXT:0::0 created_at:TIMESTAMP:0::0
  updated_at:TIMESTAMP:0::0 causal_mode:TEXT:0::0 goal:TEXT:0::0 origin_description:TEXT:0::0
  entities_created:INTEGER:0::0 timepoints_created:INTEGER:0::0 training_examples:INTEGER:0::0
  cost_usd:REAL:0::0 llm_calls:INTEGER:0::0 tokens_used:INTEGER:0::0 oxen_repo_url:TEXT:0::0
  oxen_dataset_url:TEXT:0::0 error_message:TEXT:0::0 status:TEXT:0::0
  portal_description:TEXT:0::0 portal_year:INTEGER:0::0 origin_year:INTEGER:0::0
  backward_steps:INTEGER:0::0`;

const CHILDREN = {
  mechanism_usage: cols(`id:INTEGER:0::1 run_id:TEXT:1::0 mechanism:TEXT:1::0
    function_name:TEXT:1::0 timestamp:TEXT:1::0 context:TEXT:0::0`),
  resolution_assignments: cols(`id:INTEGER:0::1 run_id:TEXT:1::0 entity_id:TEXT:1::0
    resolution:TEXT:1::0 timepoint_id:TEXT:1::0 timestamp:TEXT:1::0`),
  validations: cols(`id:INTEGER:0::1 run_id:TEXT:1::0 validator_name:TEXT:1::0
    passed:BOOLEAN:1::0 timestamp:TEXT:1::0 message:TEXT:0::0 violations:TEXT:0::0`),
};

const UNRELATED_TABLES = [
  'entity',
  'timeline',
  'systemprompt',
  'validationrule',
  'timepoint',
  'relationshiptrajectory',
  'convergenceset',
  'environmententity',
  'atmosphereentity',
  'crowdentity',
  'exposureevent',
  'queryhistory',
  'dialog',
  'prospectivestate',
];

const HISTORY = cols(`id:INTEGER:0::1 applied_at:TEXT:1::0 kind:TEXT:1::0 from_version:TEXT:0::0
  to_version:TEXT:1::0 strategy:TEXT:0::0 details:TEXT:0::0 sdk_version:TEXT:1::0`);

const V2_INDEXES = [
  'idx_runs_template_id',
  'idx_runs_created_at',
  'idx_runs_status',
  'idx_runs_schema_version',
  'idx_runs_actual_tokens_used',
  'idx_runs_token_budget_compliance',
  'idx_runs_fidelity_efficiency_score',
  'idx_mechanism_usage_run_id',
  'idx_resolution_assignments_run_id',
  'idx_validations_run_id',
];

const v1Deployed18 = (): ObservedSchema => ({
  tables: { runs: cols(DEPLOYED_18), ...CHILDREN },
  indexes: [],
  schemaVersions: [],
});
const v1Deployed20 = (): ObservedSchema => ({
  tables: { runs: cols(`${DEPLOYED_18} ${SUMMARY}`), ...CHILDREN },
  indexes: [],
  schemaVersions: [],
});
const v2Deployed32 = (): ObservedSchema => ({
  tables: {
    runs: cols(`${DEPLOYED_18} ${SUMMARY} ${V2_ADDED} ${DEPLOYED_32_EXTRA}`),
    ...CHILDREN,
    ...Object.fromEntries(
      UNRELATED_TABLES.map((t) => [t, cols(`id:INTEGER:1::1 ${t}_id:VARCHAR:1::0`)]),
    ),
  },
  indexes: ['ix_entity_entity_id', 'ix_timeline_timeline_id', 'ix_dialog_dialog_id'],
  schemaVersions: ['2.0'],
});
const v1Documented = (): ObservedSchema => ({
  tables: { runs: cols(DOCUMENTED_21), ...CHILDREN },
  indexes: [],
  schemaVersions: [],
});
const freshV2 = (): ObservedSchema => ({
  tables: {
    runs: cols(`${DOCUMENTED_21} ${V2_ADDED}`),
    ...CHILDREN,
    runmeta_migrations: HISTORY,
  },
  indexes: [...V2_INDEXES],
  schemaVersions: ['2.0'],
});

const MISSING_IN_32 = [
  'created_at',
  'updated_at',
  'goal',
  'origin_description',
  'portal_description',
  'portal_year',
  'origin_year',
  'backward_steps',
];

describe('detectSchema on the fixture shapes', () => {
  it('sanity: the hand-written shapes have the documented column counts', () => {
    expect(v1Deployed18().tables.runs).toHaveLength(18);
    expect(v1Deployed20().tables.runs).toHaveLength(20);
    expect(v2Deployed32().tables.runs).toHaveLength(32);
    expect(Object.keys(v2Deployed32().tables)).toHaveLength(4 + 14);
    expect(v1Documented().tables.runs).toHaveLength(21);
    expect(freshV2().tables.runs).toHaveLength(27);
  });

  it('classifies the 18-column deployed v1 file', () => {
    const d = detectSchema(v1Deployed18());
    expect(d.kind).toBe('v1-deployed-18');
    expect(d.version).toBe('1.0');
    expect(d.runsColumns).toHaveLength(18);
    expect(d.missingColumns).toContain('created_at');
    expect(d.missingColumns).toContain('schema_version');
    expect(d.additionalColumns.sort()).toEqual(
      ['completed_at', 'duration_seconds', 'max_entities', 'max_timepoints', 'started_at'].sort(),
    );
    expect(d.missingTables).toEqual(['runmeta_migrations']);
  });

  it('classifies the 20-column deployed v1 file', () => {
    const d = detectSchema(v1Deployed20());
    expect(d.kind).toBe('v1-deployed-20');
    expect(d.version).toBe('1.0');
    expect(d.additionalColumns).toContain('summary');
    expect(d.additionalColumns).toContain('summary_generated_at');
  });

  it('classifies the documented 21-column v1 schema', () => {
    const d = detectSchema(v1Documented());
    expect(d.kind).toBe('v1-documented');
    expect(d.version).toBe('1.0');
    expect(d.additionalColumns).toEqual([]);
    expect(d.missingColumns).toEqual([
      'schema_version',
      'fidelity_strategy_json',
      'fidelity_distribution',
      'actual_tokens_used',
      'token_budget_compliance',
      'fidelity_efficiency_score',
    ]);
  });

  it('classifies the documented v1 columns in a different order the same way', () => {
    const schema = v1Documented();
    schema.tables.runs = [...(schema.tables.runs ?? [])].reverse();
    expect(detectSchema(schema).kind).toBe('v1-documented');
  });

  it('classifies any other v1 shape as v1-variant', () => {
    const schema = v1Documented();
    schema.tables.runs = [...(schema.tables.runs ?? []), ...cols('notes:TEXT:0::0')];
    expect(detectSchema(schema).kind).toBe('v1-variant');
    const fewer = v1Deployed18();
    fewer.tables.runs = fewer.tables.runs!.filter((c) => c.name !== 'duration_seconds');
    expect(detectSchema(fewer).kind).toBe('v1-variant');
  });

  it('classifies the 32-column deployed v2 file as v2 missing 8 columns', () => {
    const d = detectSchema(v2Deployed32());
    expect(d.kind).toBe('v2-missing-columns');
    expect(d.version).toBe('2.0');
    expect(d.runsColumns).toHaveLength(32);
    expect([...d.missingColumns].sort()).toEqual([...MISSING_IN_32].sort());
    expect(d.additionalColumns).toHaveLength(32 - (27 - 8));
    expect(d.missingTables).toEqual(['runmeta_migrations']);
    expect(d.missingIndexes).toEqual(expect.arrayContaining(V2_INDEXES));
  });

  it('classifies a fresh v2 database as v2 and up to date', () => {
    const d = detectSchema(freshV2());
    expect(d.kind).toBe('v2');
    expect(d.version).toBe('2.0');
    expect(d.missingColumns).toEqual([]);
    expect(d.additionalColumns).toEqual([]);
    expect(d.missingTables).toEqual([]);
    expect(d.missingIndexes).toEqual([]);
    expect(isUpToDate(d)).toBe(true);
  });

  it('does not call a v2 database without its indexes up to date', () => {
    const schema = freshV2();
    schema.indexes = V2_INDEXES.filter((name) => name !== 'idx_runs_status');
    const d = detectSchema(schema);
    expect(d.kind).toBe('v2');
    expect(d.missingIndexes).toEqual(['idx_runs_status']);
    expect(isUpToDate(d)).toBe(false);
  });

  it('tells a missing database (absent) from an existing one without tables (empty)', () => {
    expect(detectSchema(null).kind).toBe('absent');
    const d = detectSchema({ tables: {}, indexes: [], schemaVersions: [] });
    expect(d.kind).toBe('empty');
    expect(d.version).toBeNull();
    expect(d.runsColumns).toEqual([]);
  });

  it('treats tables without runs as foreign', () => {
    const d = detectSchema({
      tables: { entity: cols('id:INTEGER:1::1 name:TEXT:0::0') },
      indexes: ['ix_entity_name'],
      schemaVersions: [],
    });
    expect(d.kind).toBe('foreign');
    expect(d.version).toBeNull();
  });

  it('detects a newer schema_version', () => {
    const schema = freshV2();
    schema.schemaVersions = ['3.0'];
    const d = detectSchema(schema);
    expect(d.kind).toBe('newer');
    expect(d.version).toBe('3.0');
    expect(isUpToDate(d)).toBe(false);
  });

  it('detects a newer version mixed with current rows', () => {
    const schema = freshV2();
    schema.schemaVersions = ['1.0', '2.0', '3.0'];
    expect(detectSchema(schema).kind).toBe('newer');
  });

  it('reports the newest version when several newer ones are present', () => {
    const schema = freshV2();
    schema.schemaVersions = ['10.0', '3.0'];
    const d = detectSchema(schema);
    expect(d.kind).toBe('newer');
    expect(d.version).toBe('10.0');
  });

  it('does not treat carried-over 1.0 rows in a v2 table as newer', () => {
    const schema = freshV2();
    schema.schemaVersions = ['1.0', '2.0'];
    expect(detectSchema(schema).kind).toBe('v2');
  });
});

describe('isNewerVersion', () => {
  it('compares the major version', () => {
    expect(isNewerVersion('3.0')).toBe(true);
    expect(isNewerVersion('10')).toBe(true);
    expect(isNewerVersion('2.0')).toBe(false);
    expect(isNewerVersion('1.0')).toBe(false);
    expect(isNewerVersion('nonsense')).toBe(false);
  });
});
