/**
 * Answers at the reader's edge: times compared as times, archive unions that
 * count a run once, fidelity levels and enum values matched whatever their case.
 * Every backend must give the same answers; the expected answers are worked out
 * by hand from the data each case writes.
 */
import { expect } from 'vitest';
import { MetadataManager } from '../../manager/metadata-manager.js';
import { summarizeRuns } from '../../queries/summarize.js';
import { timeKey } from '../../schema/time.js';
import { group } from './context.js';
import { DB, dialectOf, raw, rawExec, seedDocumentedV1 } from './sql-helpers.js';

/** Stored time spellings whose keys SQL and TypeScript must agree on, odd ones included. */
const STORED_TIMES = [
  '2025-11-01T12:00:45',
  '2025-11-01 12:00:45',
  '2025-11-01T12:00:45.000',
  '2025-11-01T12:00:40.500',
  '2025-10-29T12:33:54.753120',
  '2025-11-01T14:00:00+02:00',
  '2025-11-01T12:00:00Z',
  '2026-01-05T09:12:01.123Z',
  // runmeta's own spelling (the short path in SQLite), and its near misses.
  '2025-11-01T12:00:00.000Z',
  '2025-11-01T12:00:10.500Z',
  '2025-11-01T24:00:00.000Z',
  '2025-02-30T10:00:00.000Z',
  '2025-00-10T10:00:00.000Z',
  '2025-13-10T10:00:00.000Z',
  '2025-11-00T10:00:00.000Z',
  '2025-11-32T10:00:00.000Z',
  '2025-11-01T25:00:00.000Z',
  '2025-11-01t12:00:00.000Z',
  '2025-11-01T12:00:00.000z',
  '2025-11-01',
  '2025-11-01T12:00',
  '2025-11-01T00:30-01:00',
  '2025-12-31T23:59:59.999999-05:30',
  '2025-02-30T10:00',
  '2025-04-31T23:30-01:00',
  '2025-11-01T24:00+02:00',
  '2025-13-01',
  '2025-11-01T25:00',
  '2025-11-01T12:00+15:00',
  '2025-11-01T12:00:4x',
  '2025-11-01T12:00:45.',
  '2025-11-01Z',
  '2025-11-01T12:00:45+0200',
  'yesterday',
  '',
];

const ids = async (
  manager: MetadataManager,
  filter: Parameters<MetadataManager['getAllRuns']>[0],
) => (await manager.getAllRuns(filter)).map((run) => run.runId);

export const readerAnswers = group('answers at the reader’s edge', {
  'computes the same time key in SQL as in TypeScript': async ({ fresh }) => {
    const { adapter, manager } = await fresh();
    const sql = `SELECT ${dialectOf(adapter).timeKey('?')} AS k`;
    for (const value of STORED_TIMES) {
      const [row] = await manager.query(sql, [value]);
      expect([value, row?.k ?? null]).toEqual([value, timeKey(value)]);
    }
    await manager.close();
  },
  'compares and orders creation times as times, whatever their spelling': async ({ fresh }) => {
    const { adapter, manager } = await fresh();
    // Instants (UTC): b 10-27 11:59:59.999999, c 10-27 12:00, d 10-31 23:30,
    // a 11-01 12:00:45, e 11-01 12:00:45.5, f 11-02 00:00.
    const created: [string, string | null][] = [
      ['a', '2025-11-01 12:00:45'],
      ['b', '2025-10-27 11:59:59.999999'],
      ['c', '2025-10-27T14:00:00+02:00'],
      ['d', '2025-11-01T01:30:00+02:00'],
      ['e', '2025-11-01T12:00:45.500Z'],
      ['f', '2025-11-01T19:00:00-05:00'],
      // Unknown creation times: they match no time filter and sort first.
      ['g', 'not a time'],
      ['h', null],
    ];
    for (const [runId] of created) {
      await manager.startRun({ runId, templateId: 't', causalMode: 'forward' });
    }
    await manager.close();
    await rawExec(
      adapter,
      DB,
      created.map(([runId, at]) => [
        'UPDATE "runs" SET "created_at" = ? WHERE "run_id" = ?',
        [at, runId],
      ]),
    );
    const reader = await MetadataManager.open({ adapter, readOnly: true });
    expect(await ids(reader, {})).toEqual(['g', 'h', 'b', 'c', 'd', 'a', 'e', 'f']);
    expect(await ids(reader, { until: '2030-01-01' })).toEqual(['b', 'c', 'd', 'a', 'e', 'f']);
    expect(await ids(reader, { order: 'newest-first', limit: 2 })).toEqual(['f', 'e']);
    expect(await ids(reader, { since: '2025-11-01T00:00:00' })).toEqual(['a', 'e', 'f']);
    expect(await ids(reader, { since: '2025-10-27 12:00:00' })).toEqual(['c', 'd', 'a', 'e', 'f']);
    // One instant, three spellings: one answer.
    for (const since of ['2025-10-27T14:00:00+02:00', '2025-10-27T12:00:00Z', '2025-10-27T12:00']) {
      expect(await ids(reader, { since, until: '2025-11-01T12:00:45.5' })).toEqual(['c', 'd', 'a']);
    }
    expect(await ids(reader, { where: "created_at >= '2025-11-01T12:00:45.2'" })).toEqual([
      'e',
      'f',
    ]);
    expect(await ids(reader, { where: "created_at = '2025-11-01T12:00:45Z'" })).toEqual(['a']);
    expect(await ids(reader, { where: "created_at like '2025-10-27 %'" })).toEqual(['b']);
    await expect(reader.getAllRuns({ since: '2025-02-30' })).rejects.toMatchObject({
      field: 'filter.since',
    });
    await expect(reader.getAllRuns({ where: "created_at > '2025-13-45'" })).rejects.toMatchObject({
      field: 'where',
    });
    await reader.close();
    expect(await raw(adapter, DB, 'SELECT count(*) AS n FROM "runs"')).toEqual([
      { n: expect.anything() },
    ]);
  },
  'matches fidelity levels and enum values whatever their stored case': async ({ fresh }) => {
    const { adapter, manager } = await fresh();
    for (const [i, runId] of ['upper', 'mixed', 'lower', 'none'].entries()) {
      const createdAt = `2025-01-0${i + 1}T00:00:00`;
      await manager.startRun({ runId, templateId: 't', causalMode: 'forward', createdAt });
    }
    await manager.close();
    await rawExec(adapter, DB, [
      [
        'UPDATE "runs" SET "fidelity_distribution" = ?, "status" = ? WHERE "run_id" = ?',
        ['{"DIALOG": 2, "SCENE": 1}', 'FAILED', 'upper'],
      ],
      [
        'UPDATE "runs" SET "fidelity_distribution" = ?, "causal_mode" = ? WHERE "run_id" = ?',
        ['{"Dialog": 1, "dialog": 2}', 'PORTAL', 'mixed'],
      ],
      [
        'UPDATE "runs" SET "fidelity_distribution" = ?, "status" = ? WHERE "run_id" = ?',
        ['{"dialog": 1}', 'completed', 'lower'],
      ],
    ]);
    const reader = await MetadataManager.open({ adapter, readOnly: true });
    expect(await ids(reader, { where: 'fidelity.dialog >= 2' })).toEqual(['upper', 'mixed']);
    expect(await ids(reader, { where: 'fidelity.DIALOG = 3' })).toEqual(['mixed']);
    expect(await ids(reader, { where: 'fidelity.scene = 1' })).toEqual(['upper']);
    // A level a distribution lacks counts 0; a run with no distribution has no count.
    expect(await ids(reader, { where: 'fidelity.scene = 0' })).toEqual(['mixed', 'lower']);
    expect(await ids(reader, { where: 'not (fidelity.scene >= 1)' })).toEqual(['mixed', 'lower']);
    expect(await ids(reader, { where: 'fidelity.scene is null' })).toEqual(['none']);
    // `like` compares the level's count as text.
    expect(await ids(reader, { where: "fidelity.scene like '%'" })).toEqual([
      'upper',
      'mixed',
      'lower',
    ]);
    expect(await ids(reader, { where: "fidelity.dialog like '2'" })).toEqual(['upper']);
    expect(await ids(reader, { where: "fidelity.dialog not like '2'" })).toEqual([
      'mixed',
      'lower',
    ]);
    await expect(reader.getAllRuns({ where: "fidelity.dialog > 'x'" })).rejects.toThrow(
      /fidelity\.dialog is a count: compare it with a number, not "x"/,
    );
    // Totals add keys that differ only in case, in whichever order they are
    // stored: 2 + (1 + 2) + 1 dialog, read from the index or from each run.
    for (const options of [
      { by: 'none' },
      { by: 'template' },
      { by: 'template', status: 'failed' },
    ] as const) {
      const summary = await summarizeRuns(reader, options);
      const failedOnly = 'status' in options;
      expect(summary.totals.fidelity, JSON.stringify(options)).toEqual(
        failedOnly ? { dialog: 2, scene: 1 } : { dialog: 6, scene: 1 },
      );
    }
    expect(await ids(reader, { where: "status = 'failed'" })).toEqual(['upper']);
    expect(await ids(reader, { where: "status = 'FAILED'" })).toEqual(['upper']);
    expect(await ids(reader, { status: 'failed' })).toEqual(['upper']);
    expect(await ids(reader, { where: "causal_mode in ('portal')" })).toEqual(['mixed']);
    expect(await ids(reader, { causalMode: 'portal' })).toEqual(['mixed']);
    await expect(reader.getAllRuns({ where: "status = 'faild'" })).rejects.toThrow(
      /unknown status "faild" \(one of running, completed, failed/,
    );
    // Reads fold keys the same way: the decoded distribution agrees with the filter.
    const upper = await reader.getRun('upper');
    expect(upper.fidelityDistribution).toEqual({ dialog: 2, scene: 1 });
    expect(upper.status).toBe('failed');
    await reader.close();
  },
  'lists a run present in the active database and the archive once, filtering after that': async ({
    options,
  }) => {
    const adapter = await options.createAdapter();
    await seedDocumentedV1(adapter, DB, 5); // v1_run_0..4, all completed, one DIALOG entity each
    const manager = await MetadataManager.open({
      adapter,
      migration: { strategy: 'carry-over', backfill: true },
    });
    // Since the carry-over: one carried run failed, one new v2 run started.
    await manager.saveMetadata({
      ...(await manager.getRun('v1_run_2')),
      status: 'failed',
      errorMessage: 'x',
    });
    await manager.startRun({ runId: 'new', templateId: 'tpl_0', causalMode: 'forward' });
    const both = { includeArchive: true } as const;
    const all = await manager.getAllRuns(both);
    expect(all.map((run) => [run.runId, run.source])).toEqual([
      ['v1_run_0', 'active'],
      ['v1_run_1', 'active'],
      ['v1_run_2', 'active'],
      ['v1_run_3', 'active'],
      ['v1_run_4', 'active'],
      ['new', 'active'],
    ]);
    // The archived copy of v1_run_2 still says completed: it is not a second run.
    expect(await ids(manager, { ...both, status: 'completed' })).toEqual([
      'v1_run_0',
      'v1_run_1',
      'v1_run_3',
      'v1_run_4',
    ]);
    // Backfill gave every carried run a distribution; the archive has none.
    expect(await ids(manager, { ...both, where: 'fidelity_distribution is null' })).toEqual([
      'new',
    ]);
    expect(await ids(manager, { ...both, order: 'newest-first', limit: 2 })).toEqual([
      'new',
      'v1_run_4',
    ]);
    expect(await ids(manager, { ...both, templateId: 'tpl_0', limit: 2 })).toEqual([
      'v1_run_0',
      'v1_run_2',
    ]);
    await manager.close();
  },
  'lists an archived run once when a run with its id was written since (archive strategy)': async ({
    options,
  }) => {
    const adapter = await options.createAdapter();
    await seedDocumentedV1(adapter, DB, 4); // v1_run_0..3, completed, only in the archive now
    const manager = await MetadataManager.open({ adapter });
    // startRun refuses an archived run's id; a whole-run save (a repair) may write one.
    await manager.saveMetadata({
      runId: 'v1_run_1',
      templateId: 'again',
      causalMode: 'forward',
      createdAt: '2025-06-01T00:00:00',
      status: 'running',
    });
    const both = { includeArchive: true } as const;
    expect(
      (await manager.getAllRuns(both)).map((run) => [run.runId, run.source, run.templateId]),
    ).toEqual([
      ['v1_run_0', 'archive', 'tpl_0'],
      ['v1_run_2', 'archive', 'tpl_0'],
      ['v1_run_3', 'archive', 'tpl_1'],
      ['v1_run_1', 'active', 'again'],
    ]);
    expect(await ids(manager, { ...both, status: 'completed' })).toEqual([
      'v1_run_0',
      'v1_run_2',
      'v1_run_3',
    ]);
    expect(await ids(manager, { ...both, templateId: 'tpl_1' })).toEqual(['v1_run_3']);
    expect(
      await ids(manager, { ...both, status: 'completed', limit: 1, order: 'newest-first' }),
    ).toEqual(['v1_run_3']);
    await manager.close();
  },
});
