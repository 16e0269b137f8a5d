/**
 * Queries: filters, ordering, paging and the raw read-only escape hatch, each
 * answering the same on every backend, without one query per run, and with
 * options validated by name.
 */
import { expect } from 'vitest';
import { insertSql } from '../../columns/sql.js';
import { ReadOnlyError, ValidationError } from '../../errors.js';
import type { MetadataManager } from '../../manager/metadata-manager.js';
import type { SqlValue } from '../../sql/values.js';
import { countingAdapter } from '../counting-adapter.js';
import { type ConformanceContext, group } from './context.js';
import { DB, dialectOf, rawExec } from './sql-helpers.js';

/** Four runs of two templates and modes, three mechanism rows each. */
async function seeded(fresh: ConformanceContext['fresh']) {
  const { adapter, manager } = await fresh();
  const specs = [
    ['a', 'alpha', 'forward', '2025-03-01T00:00:00', 'completed'],
    ['b', 'beta', 'portal', '2025-01-01T00:00:00', 'failed'],
    ['c', 'alpha', 'portal', '2025-02-01T00:00:00', 'running'],
    ['d', 'beta', 'forward', '2025-04-01T00:00:00', 'completed'],
  ] as const;
  for (const [runId, templateId, causalMode, createdAt, status] of specs) {
    // Events are recorded while the run is running; a finished run takes none.
    const run = { runId, templateId, causalMode, createdAt };
    await manager.saveMetadata({ ...run, status: 'running' });
    await manager.recordMechanisms(runId, [
      { mechanism: 'M10', functionName: 'f' },
      { mechanism: 'M2', functionName: 'g' },
      { mechanism: 'M10', functionName: 'h' },
    ]);
    if (status !== 'running') await manager.saveMetadata({ ...run, status });
  }
  return { adapter, manager };
}

export const queries = group('queries answer the same on every backend', {
  'filters by template, status, mode and time range, oldest first': async ({ fresh }) => {
    const { manager } = await seeded(fresh);
    const ids = async (filter: Parameters<MetadataManager['getAllRuns']>[0]) =>
      (await manager.getAllRuns(filter)).map((r) => r.runId);
    expect(await ids({})).toEqual(['b', 'c', 'a', 'd']);
    expect(await ids({ templateId: 'alpha' })).toEqual(['c', 'a']);
    expect(await ids({ status: 'COMPLETED' })).toEqual(['a', 'd']);
    expect(await ids({ causalMode: 'portal' })).toEqual(['b', 'c']);
    expect(await ids({ since: '2025-02-01T00:00:00', until: '2025-04-01T00:00:00' })).toEqual([
      'c',
      'a',
    ]);
    expect(await ids({ limit: 2 })).toEqual(['b', 'c']);
    expect(
      await ids({
        where: "template_id = 'beta' or causal_mode = 'portal' and status = 'running'",
      }),
    ).toEqual(['b', 'c', 'd']);
    expect(await ids({ where: "not status in ('completed', 'failed')" })).toEqual(['c']);
    await expect(manager.getAllRuns({ where: 'bogus = 1' })).rejects.toMatchObject({
      field: 'where',
    });
    await expect(manager.getAllRuns({ status: 'paused' as never })).rejects.toMatchObject({
      field: 'filter.status',
    });
    await manager.close();
  },
  'returns mechanisms used with one grouped query, not one per run': async ({ fresh, open }) => {
    const { adapter, manager } = await seeded(fresh);
    await manager.close();
    const counting = countingAdapter(adapter);
    const again = await open(counting);
    counting.reset();
    const runs = await again.getAllRuns({ withMechanisms: true });
    expect(runs.map((r) => r.mechanismsUsed)).toEqual(Array(4).fill(['M2', 'M10']));
    expect(counting.queries).toBeLessThanOrEqual(2);
    await again.close();
  },
  'iterates page by page over every matching run exactly once, in insertion order': async ({
    fresh,
  }) => {
    const { manager } = await seeded(fresh);
    for (let i = 0; i < 7; i++) {
      await manager.saveMetadata({
        runId: `same${i}`,
        templateId: 'gamma',
        causalMode: 'forward',
        createdAt: '2025-02-15T00:00:00',
      });
    }
    const inserted = (await manager.query('SELECT run_id FROM runs ORDER BY _rowid_')).map(
      (r) => r.run_id,
    );
    const iterated: string[] = [];
    for await (const run of manager.iterateRuns({}, { pageSize: 3 })) iterated.push(run.runId);
    expect(iterated).toEqual(inserted);
    expect(new Set(iterated).size).toBe(11);
    const filtered: string[] = [];
    for await (const run of manager.iterateRuns(
      { templateId: 'gamma', withMechanisms: true },
      { pageSize: 2 },
    )) {
      filtered.push(run.runId);
      expect(run.mechanismsUsed).toEqual([]);
    }
    expect(filtered).toEqual(Array.from({ length: 7 }, (_, i) => `same${i}`));
    await manager.close();
  },
  'validates read and stale-run options, naming the option': async ({ fresh }) => {
    const { manager } = await seeded(fresh);
    const cases: [() => Promise<unknown>, string, string][] = [
      [
        () => manager.getAllRuns({ templateID: 'alpha' } as never),
        'filter.templateID',
        'did you mean templateId?',
      ],
      [() => manager.getAllRuns({ limit: -1 }), 'filter.limit', '(got -1)'],
      [
        () => manager.iterateRuns({}, { pagesize: 2 } as never).next(),
        'pagesize',
        'did you mean pageSize?',
      ],
      [() => manager.iterateRuns({}, { pageSize: 0 }).next(), 'pageSize', '(got 0)'],
      [() => manager.iterateRuns({ limit: 3 } as never).next(), 'filter.limit', '(got 3)'],
      [
        () => manager.getRun('a', { includeArchve: true } as never),
        'includeArchve',
        'did you mean includeArchive?',
      ],
      [
        () => manager.getMechanisms('a', { includeArchive: 'yes' } as never),
        'includeArchive',
        '(got "yes")',
      ],
      [() => manager.getResolutions('a', { archive: true } as never), 'archive', 'unknown key'],
      [() => manager.getValidations('a', 'all' as never), 'options', '(got "all")'],
      [
        () => manager.getSnapshot('a', { narative: null } as never),
        'narative',
        'did you mean narrative?',
      ],
      [() => manager.getSnapshot('a', { narrative: 'text' } as never), 'narrative', '(got "text")'],
      [
        () => manager.findStaleRuns({ olderThanMs: 5, now: new Date('nonsense') }),
        'now',
        'valid Date',
      ],
      [
        () => manager.findStaleRuns({ olderThanMs: 5, olderThan: 1 } as never),
        'olderThan',
        'unknown key',
      ],
      [() => manager.findStaleRuns({} as never), 'olderThanMs', 'is required'],
      [() => manager.closeStaleRuns({ olderThanMs: 5, reason: '' }), 'reason', 'must not be empty'],
      [() => manager.closeStaleRuns({ olderThanMs: Number.NaN }), 'olderThanMs', '(got NaN)'],
    ];
    for (const [attempt, field, text] of cases) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ field, message: expect.stringContaining(text) });
    }
    // Valid options still work, each passed on only where it belongs.
    const narrative = {
      source: 'narrative_1.json',
      characters: ['ceo'],
      timeline: [],
      latestEvent: null,
      dialogCount: 0,
    };
    const snapshot = await manager.getSnapshot('a', { narrative, includeArchive: true });
    expect(snapshot.narrative).toEqual(narrative);
    expect(await manager.getMechanisms('a', { includeArchive: true })).toHaveLength(3);
    expect((await manager.getAllRuns()).map((r) => r.status)).toEqual([
      'failed',
      'running',
      'completed',
      'completed',
    ]);
    await manager.close();
  },
  'has a read-only raw query escape hatch': async ({ fresh }) => {
    const { manager } = await seeded(fresh);
    expect(
      await manager.query('SELECT run_id FROM runs WHERE template_id = ? ORDER BY run_id', [
        'beta',
      ]),
    ).toEqual([{ run_id: 'b' }, { run_id: 'd' }]);
    await expect(manager.query("DELETE FROM runs WHERE run_id = 'a'")).rejects.toBeInstanceOf(
      ReadOnlyError,
    );
    expect(await manager.getAllRuns()).toHaveLength(4);
    await manager.startRun({ runId: 'after', templateId: 't', causalMode: 'forward' });
    expect(await manager.getAllRuns()).toHaveLength(5);
    await manager.close();
  },
  'keeps query() from changing the connection': async ({ fresh }) => {
    const { adapter, manager } = await fresh();
    await manager.startRun({ runId: 'stays', templateId: 't', causalMode: 'forward' });
    await expect(manager.query('BEGIN')).rejects.toBeInstanceOf(ReadOnlyError);
    await expect(manager.query("ATTACH DATABASE 'other.db' AS other")).rejects.toBeInstanceOf(
      ReadOnlyError,
    );
    await expect(manager.query('PRAGMA foreign_keys = OFF')).rejects.toBeInstanceOf(ReadOnlyError);
    await expect(manager.query('SET search_path TO other')).rejects.toBeInstanceOf(ReadOnlyError);
    await expect(manager.query('/* sneaky */ DELETE FROM runs')).rejects.toBeInstanceOf(
      ReadOnlyError,
    );
    // Several statements in one string: refused, or only the first one runs.
    for (const sneaky of [
      'SELECT 1 AS one; DELETE FROM runs',
      'SELECT 1 AS one; COMMIT; DELETE FROM runs',
    ]) {
      await manager.query(sneaky).catch(() => undefined);
    }
    // A data-modifying WITH: refused by the read-only transaction (PostgreSQL) or
    // not valid SQL at all (SQLite: a ValidationError naming sql); either way
    // nothing is deleted.
    await expect(
      manager.query('WITH gone AS (DELETE FROM runs RETURNING run_id) SELECT * FROM gone'),
    ).rejects.toMatchObject({ code: expect.stringMatching(/RUNMETA_(READ_ONLY|VALIDATION)/) });
    expect((await manager.getAllRuns()).map((r) => r.runId)).toEqual(['stays']);
    expect(await manager.query('  -- a comment\n  SELECT 1 AS one')).toEqual([{ one: 1 }]);
    if (dialectOf(adapter).name === 'sqlite') {
      expect(await manager.query('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
    }
    expect(await adapter.exists('other.db')).toBe(false);
    const run = await manager.startRun({ templateId: 't', causalMode: 'forward' });
    expect(run.status).toBe('running');
    await manager.close();
  },
  'pages numeric timestamps too, and returns the latest N newest first': async ({
    fresh,
    open,
  }) => {
    const { adapter, manager } = await fresh();
    await manager.close();
    await rawExec(
      adapter,
      DB,
      Array.from(
        { length: 5 },
        (_, i) =>
          [
            insertSql('runs', ['run_id', 'template_id', 'created_at']),
            [`n${i}`, 't', 1000 + i],
          ] as [string, SqlValue[]],
      ),
    );
    const again = await open(adapter);
    const seen: string[] = [];
    for await (const run of again.iterateRuns({}, { pageSize: 2 })) seen.push(run.runId);
    expect(seen).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
    const latest = await again.getAllRuns({ order: 'newest-first', limit: 2 });
    expect(latest.map((r) => r.runId)).toEqual(['n4', 'n3']);
    await expect(async () => {
      for await (const _ of again.iterateRuns({}, { pageSize: 0 })) break;
    }).rejects.toMatchObject({ field: 'pageSize' });
    await again.close();
  },
});
