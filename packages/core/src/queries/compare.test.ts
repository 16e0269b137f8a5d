/**
 * `compareRuns` over stand-in databases that answer its statements from rows
 * held here: how values are compared, which fields count as numbers, deltas,
 * the fields of runs from two differently shaped databases, batching, and the
 * errors. The same questions on real backends are in the conformance suite.
 */
import { describe, expect, it } from 'vitest';
import { RunNotFoundError, ValidationError } from '../errors.js';
import type { MetadataManager } from '../manager/metadata-manager.js';
import type { ReadSource } from '../manager/read-sources.js';
import type { Row, SqlParams, SqlValue } from '../sql/values.js';
import { compareRuns } from './compare.js';

interface Tables {
  runs: Row[];
  mechanism_usage?: Row[];
  validations?: Row[];
  resolution_assignments?: Row[];
}

/** A database answering compare's statements from `tables`; it records each statement. */
function source(name: 'active' | 'archive', tables: Tables, statements: string[]): ReadSource {
  const inIds = (rows: Row[] | undefined, params: SqlParams | undefined) =>
    (rows ?? []).filter((row) => (params ?? []).includes(row.run_id as string));
  const grouped = (rows: Row[], key: (row: Row) => string, as: (rows: Row[]) => Row) => {
    const groups = new Map<string, Row[]>();
    for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
    return [...groups.values()].map(as);
  };
  return {
    source: name,
    location: `/data/${name}.db`,
    // A table given empty has the columns compare reads; one not given is missing.
    columns: (table) => {
      const rows = tables[table as keyof Tables];
      if (!rows) return [];
      return rows[0] ? Object.keys(rows[0]) : ['run_id', 'mechanism', 'validator_name', 'passed'];
    },
    db: {
      dialect: {} as never,
      run: async () => ({ changes: 0 }),
      runMany: async () => ({ changes: 0 }),
      all: (async (sql: string, params?: SqlParams) => {
        statements.push(sql);
        if (sql.includes('FROM "runs"')) return inIds(tables.runs, params);
        if (sql.includes('FROM "mechanism_usage"')) {
          return grouped(
            inIds(tables.mechanism_usage, params),
            (r) => `${r.run_id}|${r.mechanism}`,
            (rs) => ({
              run_id: rs[0]!.run_id ?? null,
              mechanism: rs[0]!.mechanism ?? null,
              events: rs.length,
            }),
          );
        }
        if (sql.includes('FROM "validations"')) {
          return grouped(
            inIds(tables.validations, params),
            (r) => `${r.run_id}|${r.validator_name}|${String(r.passed)}`,
            (rs) => ({ ...rs[0]!, n: BigInt(rs.length) }),
          );
        }
        if (sql.includes('FROM "resolution_assignments"'))
          return inIds(tables.resolution_assignments, params);
        throw new Error(`unexpected statement ${sql}`);
      }) as never,
    } as ReadSource['db'],
  };
}

/** A manager stand-in over an active database and, optionally, an archive. */
function manager(active: Tables, archive?: Tables | 'damaged') {
  const statements: string[] = [];
  const sources = [source('active', active, statements)];
  const stand = {
    statements,
    readSources: async (options: { includeArchive?: boolean } = {}) => {
      if (!options.includeArchive || !archive) return sources;
      if (archive === 'damaged') throw new Error('file is not a database');
      return [...sources, source('archive', archive, statements)];
    },
  };
  return stand as typeof stand & MetadataManager;
}

const v2 = (runId: string, extra: Row = {}): Row => ({
  run_id: runId,
  template_id: 't',
  cost_usd: null,
  schema_version: '2.0',
  fidelity_distribution: null,
  ...extra,
});

describe('compareRuns', () => {
  it('compares objects by content and values by type, and gives deltas to 12 digits', async () => {
    const m = manager({
      runs: [
        v2('a', { cost_usd: 0.4, fidelity_distribution: '{"scene":2,"dialog":1}', note: '1' }),
        v2('b', { cost_usd: 0.52, fidelity_distribution: '{"dialog":1,"scene":2}', note: 1 }),
      ],
    });
    const result = await compareRuns(m, ['a', 'b']);
    const field = (name: string) => result.fields.find((f) => f.field === name)!;
    expect(field('fidelityDistribution').differs).toBe(false);
    expect(field('extra.note')).toMatchObject({ values: ['1', 1], differs: true, deltas: null });
    expect(field('costUsd').deltas).toEqual([
      { absolute: 0, percent: 0 },
      { absolute: 0.12, percent: 30 },
    ]);
    expect(field('templateId')).toMatchObject({ differs: false, deltas: null });
    // Fields absent from every run's table are still there, null, and equal.
    expect(field('goal')).toMatchObject({ values: [null, null], differs: false, deltas: null });
  });

  it('treats a field as numeric only when every value is a number or null', async () => {
    const m = manager({
      runs: [
        v2('a', { score: 5n, mixed: 'x', blob: new Uint8Array([1, 2]) }),
        v2('b', { score: 8, mixed: 3, blob: new Uint8Array([1, 2]) }),
        v2('c', { score: null, mixed: null, blob: new Uint8Array([1, 3]) }),
      ],
    });
    const result = await compareRuns(m, ['a', 'b', 'c'], { baseline: 'b' });
    const field = (name: string) => result.fields.find((f) => f.field === name)!;
    expect(field('extra.score').deltas).toEqual([
      { absolute: -3, percent: -37.5 },
      { absolute: 0, percent: 0 },
      { absolute: null, percent: null },
    ]);
    expect(field('extra.mixed').deltas).toBeNull();
    expect(field('extra.blob').differs).toBe(true);
    expect(field('costUsd').deltas).toBeNull();
  });

  it('lists the fields of both databases when the runs come from both', async () => {
    const m = manager(
      { runs: [v2('new', { summary: 'kept' })] },
      {
        runs: [{ run_id: 'old', template_id: 't', started_at: '2024-01-01', legacy_flag: 1 }],
        resolution_assignments: [
          { id: 1, run_id: 'old', entity_id: 'e', resolution: 'DIALOG', timestamp: '2024-01-01' },
          { id: 2, run_id: 'old', entity_id: 'e', resolution: 'graph', timestamp: '2024-01-02' },
          { id: 3, run_id: 'old', entity_id: 'f', resolution: 'TRAINED', timestamp: '2024-01-01' },
        ],
      },
    );
    const result = await compareRuns(m, ['new', 'old'], { includeArchive: true });
    const names = result.fields.map((f) => f.field);
    expect(names.slice(0, 2)).toEqual(['runId', 'source']);
    expect(names.slice(-3)).toEqual(['startedAt', 'summary', 'extra.legacy_flag']);
    const field = (name: string) => result.fields.find((f) => f.field === name)!;
    expect(field('summary').values).toEqual(['kept', null]);
    expect(field('startedAt').values).toEqual([null, '2024-01-01']);
    expect(field('schemaVersion').values).toEqual(['2.0', '1.0']);
    // The archived v1 run's distribution: each entity's latest assignment.
    expect(result.fidelity).toEqual({
      levels: ['graph', 'trained'],
      distributions: [null, { graph: 1, trained: 1 }],
      derived: [false, true],
    });
  });

  it('counts validations by outcome, an unreadable one only in the total', async () => {
    const row = (validator_name: string, passed: SqlValue): Row => ({
      run_id: 'a',
      validator_name,
      passed,
    });
    const m = manager({
      runs: [v2('a'), v2('b')],
      validations: [row('z', 0), row('a', 'false'), row('a', 1), row('m', 'maybe'), row('z', 0)],
    });
    const { validations } = await compareRuns(m, ['a', 'b']);
    expect(validations).toEqual([
      { passed: 1, failed: 3, total: 5, failedValidators: ['a', 'z'] },
      { passed: 0, failed: 0, total: 0, failedValidators: [] },
    ]);
  });

  it('sorts mechanisms M1..M17 and splits them into shared and only-in', async () => {
    const use = (run_id: string, ...mechanisms: string[]) =>
      mechanisms.map((mechanism) => ({ run_id, mechanism }));
    const m = manager({
      runs: [v2('a'), v2('b'), v2('c')],
      mechanism_usage: [
        ...use('a', 'M10', 'M2', 'M2', 'custom'),
        ...use('b', 'M2', 'M10'),
        ...use('c', 'M2', 'M1+M17'),
      ],
    });
    const { mechanisms } = await compareRuns(m, ['a', 'b', 'c']);
    expect(mechanisms).toEqual({
      events: [
        { mechanism: 'M1+M17', events: [0, 0, 1] },
        { mechanism: 'M2', events: [2, 1, 1] },
        { mechanism: 'M10', events: [1, 1, 0] },
        { mechanism: 'custom', events: [1, 0, 0] },
      ],
      shared: ['M2'],
      only: [['custom'], [], ['M1+M17']],
    });
  });

  it('reads each table in batches of 500 ids, never once per run', async () => {
    const ids = Array.from({ length: 600 }, (_, i) => `r${i}`);
    const m = manager({ runs: ids.map((id) => v2(id)), mechanism_usage: [], validations: [] });
    const result = await compareRuns(m, ids);
    expect(result.runs).toHaveLength(600);
    expect(m.statements).toHaveLength(6);
  });

  it('names the first missing run, and the archive when the run is only there', async () => {
    const archive = { runs: [{ run_id: 'old', template_id: 't' }] };
    const error = await compareRuns(manager({ runs: [v2('a')] }, archive), ['a', 'old', 'x']).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RunNotFoundError);
    expect(error).toMatchObject({ runId: 'old', archive: '/data/archive.db' });
    expect((error as Error).message).toContain('includeArchive: true');
    const plain = await compareRuns(manager({ runs: [v2('a')] }, archive), ['a', 'x']).catch(
      (e: unknown) => e,
    );
    expect(plain).toMatchObject({ runId: 'x', archive: null });
    // A damaged archive is not the question's: the plain error stands.
    const damaged = await compareRuns(manager({ runs: [v2('a')] }, 'damaged'), ['a', 'x']).catch(
      (e: unknown) => e,
    );
    expect(damaged).toMatchObject({ runId: 'x', archive: null });
  });

  it('refuses bad arguments with a ValidationError naming them, in SDK and CLI words', async () => {
    const m = manager({ runs: [v2('a'), v2('b')] });
    const one = await compareRuns(m, ['a']).catch((e: unknown) => e);
    expect(one).toBeInstanceOf(ValidationError);
    expect(one).toMatchObject({
      field: 'runIds',
      hint: expect.stringContaining('two or more'),
      cliHint: expect.stringContaining('runmeta compare <run> <run>'),
    });
    await expect(compareRuns(m, ['a', 'b'], null as never)).rejects.toMatchObject({
      field: 'options',
    });
    await expect(
      compareRuns(m, ['a', 'b'], { includeArchive: 'yes' } as never),
    ).rejects.toMatchObject({ field: 'includeArchive' });
    expect(m.statements).toEqual([]);
  });
});
