import { describe, expect, it } from 'vitest';
import { TABLES } from './registry.js';
import { columnNames, decodeRow, encodeFields, fieldIndex, withNulls } from './rows.js';

describe('decodeRow', () => {
  it('maps known columns to SDK fields by name', () => {
    const decoded = decodeRow(TABLES.runs, {
      status: 'completed',
      run_id: 'run_1',
      cost_usd: 0.5,
      entities_created: '6',
      started_at: '2025-10-29T12:33:54.753120',
    });
    expect(decoded.fields).toEqual({
      runId: 'run_1',
      status: 'completed',
      costUsd: 0.5,
      entitiesCreated: 6,
      startedAt: '2025-10-29T12:33:54.753120',
    });
    expect(decoded.extra).toEqual({});
    expect(decoded.issues).toEqual([]);
  });

  it('puts unknown columns in extra with their raw values', () => {
    const decoded = decodeRow(TABLES.runs, {
      run_id: 'run_1',
      my_column: 'kept',
      'we"ird col': 42,
      blob: new Uint8Array([1, 2]),
    });
    expect(decoded.extra).toEqual({
      my_column: 'kept',
      'we"ird col': 42,
      blob: new Uint8Array([1, 2]),
    });
    expect(decoded.fields).toEqual({ runId: 'run_1' });
  });

  it('keeps an unknown enum value and flags it', () => {
    const decoded = decodeRow(TABLES.runs, { run_id: 'r', causal_mode: 'quantum', status: 'DONE' });
    expect(decoded.fields.causalMode).toBe('quantum');
    expect(decoded.fields.status).toBe('DONE');
    expect(decoded.issues).toEqual([
      { column: 'causal_mode', kind: 'unknown_enum', raw: 'quantum' },
      { column: 'status', kind: 'unknown_enum', raw: 'DONE' },
    ]);
  });

  it('does not flag the deployed modes pearl and nonlinear', () => {
    expect(decodeRow(TABLES.runs, { causal_mode: 'pearl' }).issues).toEqual([]);
    expect(decodeRow(TABLES.runs, { causal_mode: 'NONLINEAR' }).fields.causalMode).toBe(
      'nonlinear',
    );
  });

  it('flags bad JSON and keeps the raw text in the issue', () => {
    const decoded = decodeRow(TABLES.runs, {
      fidelity_distribution: '{"dialog": 3',
      fidelity_strategy_json: 'not json',
    });
    expect(decoded.fields.fidelityDistribution).toBeNull();
    expect(decoded.issues).toContainEqual({
      column: 'fidelity_distribution',
      kind: 'invalid_json',
      raw: '{"dialog": 3',
    });
    expect(decoded.issues).toContainEqual({
      column: 'fidelity_strategy_json',
      kind: 'invalid_json',
      raw: 'not json',
    });
  });

  it('folds distribution keys to lowercase and merges them', () => {
    const decoded = decodeRow(TABLES.runs, {
      fidelity_distribution: '{"DIALOG": 3, "dialog": 1, "Scene": 2, "full_detail": 1}',
    });
    expect(decoded.fields.fidelityDistribution).toEqual({ dialog: 4, scene: 2, full_detail: 1 });
    expect(decoded.issues).toEqual([]);
  });

  it('reads a lower-case distribution, a `__proto__` level and a -0 the same whatever the case', () => {
    for (const [raw, expected] of [
      ['{"dialog": 3, "scene": 2}', { dialog: 3, scene: 2 }],
      ['{"__proto__": 5, "dialog": 1}', { dialog: 1 }],
      ['{"__proto__": 5, "DIALOG": 1}', { dialog: 1 }],
      ['{"dialog": -0}', { dialog: 0 }],
    ] as const) {
      const value = decodeRow(TABLES.runs, { fidelity_distribution: raw }).fields
        .fidelityDistribution as Record<string, number>;
      expect(value, raw).toEqual(expected);
      expect(Object.keys(value), raw).toEqual(Object.keys(expected));
      expect(Object.is(value.dialog, -0), raw).toBe(false);
    }
  });

  it('flags a distribution that is not an object of counts', () => {
    for (const raw of ['[1,2]', '{"dialog": "three"}', '"dialog"']) {
      const decoded = decodeRow(TABLES.runs, { fidelity_distribution: raw });
      expect(decoded.fields.fidelityDistribution, raw).toBeNull();
      expect(decoded.issues, raw).toEqual([
        { column: 'fidelity_distribution', kind: 'invalid_json', raw },
      ]);
    }
  });

  it('decodes the stored strategy JSON to camelCase', () => {
    const decoded = decodeRow(TABLES.runs, {
      fidelity_strategy_json: '{"mode": "pearl", "token_budget": 10000.0, "custom": 1}',
    });
    expect(decoded.fields.fidelityStrategy).toEqual({
      mode: 'pearl',
      tokenBudget: 10000,
      custom: 1,
    });
  });

  it('decodes validation booleans from 0/1 and violations from JSON', () => {
    const decoded = decodeRow(TABLES.validations, {
      id: 3,
      run_id: 'r',
      validator_name: 'v',
      passed: 0,
      timestamp: '2025-01-01',
      message: null,
      violations: '["a","b"]',
    });
    expect(decoded.fields).toMatchObject({ id: 3, passed: false, violations: ['a', 'b'] });
    expect(decodeRow(TABLES.validations, { passed: 1 }).fields.passed).toBe(true);
  });

  it('flags a numeric column holding text, keeping the raw value', () => {
    const decoded = decodeRow(TABLES.runs, { tokens_used: 'lots' });
    expect(decoded.fields.tokensUsed).toBeNull();
    expect(decoded.issues).toEqual([{ column: 'tokens_used', kind: 'invalid_type', raw: 'lots' }]);
  });

  it('never drops a value: every column is in fields, extra or an issue', () => {
    const row = {
      run_id: 'r',
      causal_mode: 'mystery',
      fidelity_distribution: 'oops',
      unknown: 'u',
      cost_usd: 1.5,
    };
    const decoded = decodeRow(TABLES.runs, row);
    const index = fieldIndex(TABLES.runs);
    for (const [name, raw] of Object.entries(row)) {
      const field = index.get(name)?.[0];
      const kept =
        (field !== undefined && decoded.fields[field] === raw) ||
        decoded.extra[name] === raw ||
        decoded.issues.some((i) => i.column === name && i.raw === raw);
      expect(kept, name).toBe(true);
    }
  });
});

describe('encodeFields / withNulls / columnNames', () => {
  it('encodes only defined fields, in registry order, by column name', () => {
    const { columns, params } = encodeFields(TABLES.runs, {
      status: 'completed',
      runId: 'r',
      fidelityDistribution: { dialog: 2 },
      goal: undefined,
    });
    expect(columns).toEqual(['run_id', 'status', 'fidelity_distribution']);
    expect(params).toEqual(['r', 'completed', '{"dialog":2}']);
  });

  it('encodes the strategy with snake_case keys', () => {
    const { params } = encodeFields(TABLES.runs, {
      fidelityStrategy: { mode: 'portal', tokenBudget: 15000, planningMode: 'hybrid' },
    });
    expect(JSON.parse(params[0] as string)).toEqual({
      mode: 'portal',
      token_budget: 15000,
      planning_mode: 'hybrid',
    });
  });

  it('fills missing fields with null', () => {
    const fields = withNulls({ runId: 'r' }, TABLES.mechanismUsage, [
      ...Object.values(TABLES.mechanismUsage.columns),
    ]);
    expect(fields).toEqual({
      runId: 'r',
      id: null,
      mechanism: null,
      functionName: null,
      timestamp: null,
      context: null,
    });
  });

  it('lists column names of a table', () => {
    expect(columnNames(TABLES.resolutionAssignments)).toEqual([
      'id',
      'run_id',
      'entity_id',
      'resolution',
      'timepoint_id',
      'timestamp',
    ]);
  });
});
