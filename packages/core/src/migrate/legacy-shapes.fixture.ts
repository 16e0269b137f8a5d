import type { ObservedColumn, ObservedSchema } from '../sql/observed-schema.js';
/**
 * Hand-written {@link ObservedSchema}s of the real files in
 * shared/fixtures/legacy-dbs (and of the documented v1 and a fresh v2), for the
 * pure detector and planner tests. Shared by detect.test.ts and plan.test.ts.
 */

/**
 * Columns from `name:type:notnull:default:pk` entries, the format of
 * `SELECT name||':'||type||':'||notnull||':'||ifnull(dflt_value,'')||':'||pk
 *  FROM pragma_table_info(...)` run on the fixtures in shared/fixtures/legacy-dbs.
 */
export function cols(spec: string): ObservedColumn[] {
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

export const DEPLOYED_18 = `run_id:TEXT:0::1 template_id:TEXT:1::0 started_at:TEXT:1::0
  completed_at:TEXT:0::0
  causal_mode:TEXT:1::0 max_entities:INTEGER:0::0 max_timepoints:INTEGER:0::0
  entities_created:INTEGER:0:0:0 timepoints_created:INTEGER:0:0:0
  training_examples:INTEGER:0:0:0 cost_usd:REAL:0:0.0:0 llm_calls:INTEGER:0:0:0
  tokens_used:INTEGER:0:0:0 duration_seconds:REAL:0::0 oxen_repo_url:TEXT:0::0
  oxen_dataset_url:TEXT:0::0 status:TEXT:0:'running':0 error_message:TEXT:0::0`;
export const SUMMARY = 'summary:TEXT:0::0 summary_generated_at:TEXT:0::0';
export const V2_ADDED = `schema_version:TEXT:0:'2.0':0 fidelity_strategy_json:TEXT:0::0
  fidelity_distribution:TEXT:0::0 actual_tokens_used:REAL:0::0
  token_budget_compliance:REAL:0::0 fidelity_efficiency_score:REAL:0::0`;
export const DEPLOYED_32_EXTRA = `narrative_exports:TEXT:0::0 narrative_export_generated_at:TEXT:0::0
  tensor_resolution_stats:TEXT:0::0 entities_resolved_from_cache:INTEGER:0:0:0
  entities_new_baseline:INTEGER:0:0:0 tensor_cache_hit_rate:REAL:0::0`;
export const DOCUMENTED_21 = `run_id:TEXT:0::1 template_id:TEXT:0::0 created_at:TIMESTAMP:0::0
  updated_at:TIMESTAMP:0::0 causal_mode:TEXT:0::0 goal:TEXT:0::0 origin_description:TEXT:0::0
  entities_created:INTEGER:0::0 timepoints_created:INTEGER:0::0 training_examples:INTEGER:0::0
  cost_usd:REAL:0::0 llm_calls:INTEGER:0::0 tokens_used:INTEGER:0::0 oxen_repo_url:TEXT:0::0
  oxen_dataset_url:TEXT:0::0 error_message:TEXT:0::0 status:TEXT:0::0
  portal_description:TEXT:0::0 portal_year:INTEGER:0::0 origin_year:INTEGER:0::0
  backward_steps:INTEGER:0::0`;

export const CHILDREN = {
  mechanism_usage: cols(`id:INTEGER:0::1 run_id:TEXT:1::0 mechanism:TEXT:1::0
    function_name:TEXT:1::0 timestamp:TEXT:1::0 context:TEXT:0::0`),
  resolution_assignments: cols(`id:INTEGER:0::1 run_id:TEXT:1::0 entity_id:TEXT:1::0
    resolution:TEXT:1::0 timepoint_id:TEXT:1::0 timestamp:TEXT:1::0`),
  validations: cols(`id:INTEGER:0::1 run_id:TEXT:1::0 validator_name:TEXT:1::0
    passed:BOOLEAN:1::0 timestamp:TEXT:1::0 message:TEXT:0::0 violations:TEXT:0::0`),
};

export const UNRELATED_TABLES = [
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

export const HISTORY =
  cols(`id:INTEGER:0::1 applied_at:TEXT:1::0 kind:TEXT:1::0 from_version:TEXT:0::0
  to_version:TEXT:1::0 strategy:TEXT:0::0 details:TEXT:0::0 sdk_version:TEXT:1::0`);

export const V2_INDEXES = [
  'idx_runs_template_id',
  'idx_runs_created_at',
  'idx_runs_cost_usd',
  'idx_runs_tokens_used',
  'idx_runs_status',
  'idx_runs_schema_version',
  'idx_runs_actual_tokens_used',
  'idx_runs_token_budget_compliance',
  'idx_runs_fidelity_efficiency_score',
  'idx_runs_report_totals',
  'idx_runs_template_compliance',
  'idx_mechanism_usage_run_mechanism',
  'idx_resolution_assignments_run_id',
  'idx_validations_run_id',
];

export const v1Deployed18 = (): ObservedSchema => ({
  tables: { runs: cols(DEPLOYED_18), ...CHILDREN },
  indexes: [],
  schemaVersions: [],
});
export const v1Deployed20 = (): ObservedSchema => ({
  tables: { runs: cols(`${DEPLOYED_18} ${SUMMARY}`), ...CHILDREN },
  indexes: [],
  schemaVersions: [],
});
export const v2Deployed32 = (): ObservedSchema => ({
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
export const v1Documented = (): ObservedSchema => ({
  tables: { runs: cols(DOCUMENTED_21), ...CHILDREN },
  indexes: [],
  schemaVersions: [],
});
export const freshV2 = (): ObservedSchema => ({
  tables: {
    runs: cols(`${DOCUMENTED_21} ${V2_ADDED}`),
    ...CHILDREN,
    runmeta_migrations: HISTORY,
  },
  indexes: [...V2_INDEXES],
  schemaVersions: ['2.0'],
});

export const MISSING_IN_32 = [
  'created_at',
  'updated_at',
  'goal',
  'origin_description',
  'portal_description',
  'portal_year',
  'origin_year',
  'backward_steps',
];
