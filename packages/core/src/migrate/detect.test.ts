import { describe, expect, it } from 'vitest';
import { detectSchema, isNewerVersion, isUpToDate } from './detect.js';
import {
  cols,
  freshV2,
  MISSING_IN_32,
  V2_INDEXES,
  v1Deployed18,
  v1Deployed20,
  v1Documented,
  v2Deployed32,
} from './legacy-shapes.fixture.js';
import { planMigration } from './plan.js';

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

  it('takes the run_id index of files made before the mechanism index as that index', () => {
    const schema = freshV2();
    schema.indexes = V2_INDEXES.map((name) =>
      name === 'idx_mechanism_usage_run_mechanism' ? 'idx_mechanism_usage_run_id' : name,
    );
    const d = detectSchema(schema);
    expect(d.missingIndexes).toEqual([]);
    expect(isUpToDate(d)).toBe(true);
    // A repair for something else builds neither index and drops nothing.
    schema.indexes = schema.indexes.filter((name) => name !== 'idx_runs_status');
    const plan = planMigration(schema);
    const sql = plan.steps.flatMap((s) => s.sql);
    expect(sql).toContain('CREATE INDEX IF NOT EXISTS "idx_runs_status" ON "runs" ("status")');
    expect(sql.some((s) => s.includes('idx_mechanism_usage_run_mechanism'))).toBe(false);
    expect(sql.some((s) => /\bDROP\b/i.test(s))).toBe(false);
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
