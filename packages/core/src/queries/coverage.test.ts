/**
 * `mechanismCoverage` over a stand-in database that records its statement and
 * answers with rows held here: one statement, the run filter applied to the
 * runs alone in both of its parts, tables without the columns it reads, and the
 * order of the answer. The counts on real backends are in the conformance suite.
 */
import { describe, expect, it } from 'vitest';
import type { MetadataManager } from '../manager/metadata-manager.js';
import type { Row, SqlParams } from '../sql/values.js';
import { sqliteDialect } from '../storage/sqlite/sqlite-dialect.js';
import { mechanismCoverage } from './coverage.js';

function recording(rows: Row[], tables: Record<string, string[]>) {
  const asked: { sql: string; params: SqlParams | undefined }[] = [];
  const source = {
    source: 'active',
    location: 'runs.db',
    columns: (table: string) => tables[table] ?? [],
    db: {
      dialect: sqliteDialect,
      all: async (sql: string, params?: SqlParams) => {
        asked.push({ sql, params });
        return rows;
      },
    },
  };
  const manager = { readSources: async () => [source] } as unknown as MetadataManager;
  return { asked, manager };
}

const V2 = {
  runs: ['run_id', 'template_id', 'status', 'causal_mode', 'created_at'],
  mechanism_usage: ['id', 'run_id', 'mechanism'],
};

describe('mechanismCoverage', () => {
  it('asks one statement, filtering the runs alone in both parts', async () => {
    const { asked, manager } = recording([], V2);
    await mechanismCoverage(manager, { status: 'FAILED', where: "run_id = 'x'" });
    expect(asked).toHaveLength(1);
    const [{ sql, params }] = asked as [{ sql: string; params: SqlParams }];
    expect(sql.split(' UNION ALL ')).toHaveLength(2);
    // The filter's `run_id` is the runs table's: it never meets mechanism_usage's.
    expect(sql).toContain(
      'JOIN (SELECT "run_id", "template_id" AS "template_id" FROM "runs" WHERE',
    );
    expect(params).toEqual(['failed', 'x', 'failed', 'x']);
  });

  it('counts runs alone when there is no mechanism table, and NULL templates without a column', async () => {
    const { asked, manager } = recording([{ kind: 'template', template_id: null, runs: 3n }], {
      runs: ['run_id'],
    });
    expect(await mechanismCoverage(manager)).toEqual({
      templates: [{ templateId: null, runs: 3 }],
      mechanisms: [],
      cells: [],
    });
    expect(asked[0]!.sql).not.toContain('UNION');
    expect(asked[0]!.sql).toContain('NULL AS "template_id"');
  });

  it('orders templates by runs (runs without one last) and cells by template, then M1..M17', async () => {
    const t = (template_id: string | null, runs: number) => ({
      kind: 'template',
      template_id,
      runs,
    });
    const c = (template_id: string | null, mechanism: string, runs: number, events: string) => ({
      kind: 'cell',
      template_id,
      mechanism,
      runs,
      events,
    });
    const { manager } = recording(
      [
        t('b', 2),
        t(null, 5),
        t('a', 2),
        t('c', 7),
        c('a', 'M10', 1, '4'),
        c(null, 'M2', 5, '5'),
        c('a', 'M2', 2, '3'),
        c('c', 'M1', 7, '7'),
      ],
      V2,
    );
    const coverage = await mechanismCoverage(manager);
    expect(coverage.templates.map((x) => x.templateId)).toEqual(['c', null, 'a', 'b']);
    expect(coverage.mechanisms).toEqual(['M1', 'M2', 'M10']);
    expect(coverage.cells).toEqual([
      { templateId: 'c', mechanism: 'M1', runs: 7, events: 7 },
      { templateId: null, mechanism: 'M2', runs: 5, events: 5 },
      { templateId: 'a', mechanism: 'M2', runs: 2, events: 3 },
      { templateId: 'a', mechanism: 'M10', runs: 1, events: 4 },
    ]);
  });

  it('validates the filter like a run list, before asking anything', async () => {
    const { asked, manager } = recording([], V2);
    await expect(
      mechanismCoverage(manager, { includeArchive: true } as never),
    ).rejects.toMatchObject({
      field: 'filter.includeArchive',
    });
    await expect(mechanismCoverage(manager, { since: 'yesterday' })).rejects.toMatchObject({
      field: 'filter.since',
    });
    await expect(mechanismCoverage(manager, { where: 'cost >' })).rejects.toMatchObject({
      field: 'where',
    });
    expect(asked).toEqual([]);
  });
});
