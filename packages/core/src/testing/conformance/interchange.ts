/**
 * A runmeta dump round-trips on every backend: each real fixture, carried over,
 * dumps (`iterateRuns` with `withChildren`, one JSON line per run), imports into
 * an empty database (`importRuns`) and dumps again to the same bytes, with every
 * child row; values reads could not decode and columns runmeta does not know
 * come back as they were stored; and a bad line or a run id the database holds
 * imports nothing. Expected counts and values come from raw SQL on the sources.
 */
import { expect } from 'vitest';
import { ImportLineError } from '../../manager/import-line-error.js';
import type { MetadataManager } from '../../manager/metadata-manager.js';
import { quoteIdent } from '../../sql/quote.js';
import { each, group } from './context.js';
import { DB, dialectOf, raw, rawExec } from './sql-helpers.js';

/** Every run of `manager` (and its archive) as dump lines. */
async function dump(manager: MetadataManager): Promise<string[]> {
  const lines: string[] = [];
  for await (const run of manager.iterateRuns({ includeArchive: true }, { withChildren: true })) {
    lines.push(JSON.stringify(run));
  }
  return lines;
}

/** Dump lines as an import's input, in chunks that cut lines in two (as a file read does). */
const input = (lines: readonly string[]) => () =>
  (async function* () {
    const text = lines.map((line) => `${line}\n`).join('');
    for (let i = 0; i < text.length; i += 4096) yield text.slice(i, i + 4096);
  })();

const FIXTURES: [string][] = [
  ['deployed-v1-18col-9runs.db'],
  ['deployed-v1-20col-393runs.db'],
  ['deployed-v2-32col-110runs.db'],
];

const COUNTS =
  'SELECT (SELECT count(*) FROM runs) AS runs, (SELECT count(*) FROM mechanism_usage) AS m, (SELECT count(*) FROM resolution_assignments) AS r, (SELECT count(*) FROM validations) AS v';

export const interchange = group('a dump round-trips through any backend', {
  'dumps the real %s (carry-over), imports it into an empty database and dumps the same bytes':
    each(FIXTURES, async ({ options, open, fresh }, file) => {
      const source = await options.createAdapter();
      await source.writeBytes(DB, options.fixtures[file]!);
      await source.writeBytes('reference.db', options.fixtures[file]!);
      const [expected] = await raw(source, 'reference.db', COUNTS);
      const from = await open(source, { migration: { strategy: 'carry-over' } });
      const first = await dump(from);
      await from.close();
      expect(first).toHaveLength(Number(expected!.runs));
      const children = first.map((line) => JSON.parse(line));
      const rows = (key: string) => children.reduce((n, run) => n + run[key].length, 0);
      // Orphan child rows (a legacy file's) belong to no run, so no dump line holds them.
      const [linked] = await raw(
        source,
        'reference.db',
        'SELECT (SELECT count(*) FROM mechanism_usage WHERE run_id IN (SELECT run_id FROM runs)) AS m, (SELECT count(*) FROM resolution_assignments WHERE run_id IN (SELECT run_id FROM runs)) AS r',
      );
      expect([rows('mechanisms'), rows('resolutions')]).toEqual([
        Number(linked!.m),
        Number(linked!.r),
      ]);

      const { adapter, manager } = await fresh();
      const result = await manager.importRuns(input(first));
      expect(result).toMatchObject({
        runs: first.length,
        skipped: 0,
        rows: { mechanisms: rows('mechanisms'), resolutions: rows('resolutions') },
      });
      const second = await dump(manager);
      await manager.close();
      expect(second.join('\n') === first.join('\n')).toBe(true);
      const [imported] = await raw(adapter, DB, COUNTS);
      expect([imported!.runs, imported!.m, imported!.r].map(Number)).toEqual([
        first.length,
        rows('mechanisms'),
        rows('resolutions'),
      ]);
    }),

  'keeps values reads could not decode and columns runmeta does not know, as stored': async ({
    fresh,
    open,
  }) => {
    const from = await fresh();
    await from.manager.saveMetadata({ runId: 'r1', templateId: 't', causalMode: 'forward' });
    await from.manager.saveMetadata({ runId: 'r2', templateId: 't', causalMode: 'forward' });
    await from.manager.close();
    const dialect = dialectOf(from.adapter);
    await rawExec(from.adapter, DB, [
      [`ALTER TABLE runs ADD COLUMN ${quoteIdent('odd "name"')} ${dialect.columnType('TEXT')}`],
      [`ALTER TABLE runs ADD COLUMN score ${dialect.columnType('REAL')}`],
      [
        `UPDATE runs SET fidelity_distribution = ?, causal_mode = ?, ${quoteIdent('odd "name"')} = ?, score = ? WHERE run_id = ?`,
        ['{not json', 'Weird', 'x', 2.5, 'r1'],
      ],
      // Read fine, but written back they would be other text: kept as stored too.
      [
        'UPDATE runs SET fidelity_distribution = ?, status = ? WHERE run_id = ?',
        ['{"DIALOG": 3, "dialog": 1}', 'RUNNING', 'r2'],
      ],
    ]);
    const columns = 'run_id, fidelity_distribution, causal_mode, status, "odd ""name""", score';
    const stored = await raw(from.adapter, DB, `SELECT ${columns} FROM runs ORDER BY run_id`);
    const source = await open(from.adapter);
    const lines = await dump(source);
    await source.close();
    const issues = (line: string) =>
      JSON.parse(line).readIssues.map((i: { column: string; kind: string }) => [i.column, i.kind]);
    expect(issues(lines[0]!)).toEqual([
      ['causal_mode', 'unknown_enum'],
      ['fidelity_distribution', 'invalid_json'],
    ]);
    expect(issues(lines[1]!)).toEqual([
      ['status', 'normalised'],
      ['fidelity_distribution', 'normalised'],
    ]);

    const to = await fresh();
    const result = await to.manager.importRuns(input(lines));
    expect(result.addedColumns).toEqual(['runs.odd "name"', 'runs.score']);
    expect(await dump(to.manager)).toEqual(lines);
    await to.manager.close();
    expect(await raw(to.adapter, DB, `SELECT ${columns} FROM runs ORDER BY run_id`)).toEqual(
      stored,
    );
  },

  'imports nothing from a dump with a bad line or a run the database holds': async ({ fresh }) => {
    const { manager } = await fresh();
    await manager.saveMetadata({ runId: 'kept', templateId: 't', causalMode: 'forward' });
    const good = (runId: string) =>
      JSON.stringify({
        runId,
        templateId: 't',
        causalMode: 'forward',
        extra: { note: 'x' },
        mechanisms: [{ mechanism: 'M1', functionName: 'f', timestamp: '2025-01-01T00:00:00Z' }],
      });
    const held = async () => ({
      runs: await manager.query('SELECT run_id FROM runs ORDER BY run_id'),
      columns: await manager.runsColumns(),
    });
    const before = await held();
    const bad = [good('n1'), '{"runId":"n2","costUsd":"abc"}'];
    const refused = await manager.importRuns(input(bad)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ImportLineError);
    expect((refused as ImportLineError).line).toBe(2);
    expect((refused as Error).message).toMatch(/line 2: costUsd: "abc" is not a valid number/);

    const twin = JSON.stringify({ runId: 'c1', templateId: 't', extra: { STATUS: 'x' } });
    const cased = await manager.importRuns(input([twin])).catch((e) => e);
    expect((cased as Error).message).toMatch(
      /runs\.STATUS differs from the column status only in case/,
    );

    const twice = await manager.importRuns(input([good('n1'), good('n1')])).catch((e) => e);
    expect(twice).toBeInstanceOf(ImportLineError);
    expect((twice as Error).message).toMatch(/line 2: run n1 is in the dump twice/);

    const existing = await manager.importRuns(input([good('n1'), good('kept')])).catch((e) => e);
    expect(existing).toBeInstanceOf(ImportLineError);
    expect((existing as ImportLineError).line).toBe(2);
    expect((existing as Error).message).toMatch(/run kept exists already.*skipExisting: true/);
    expect(await held()).toEqual(before);
    expect(await manager.getMechanisms('kept')).toEqual([]);

    const skipping = await manager.importRuns(input([good('n1'), good('kept')]), {
      skipExisting: true,
    });
    expect(skipping).toMatchObject({ runs: 1, skipped: 1, addedColumns: ['runs.note'] });
    expect((await manager.getMechanisms('n1')).map((m) => m.functionName)).toEqual(['f']);
    expect((await manager.getRun('n1')).extra).toEqual({ note: 'x' });
    await manager.close();
  },
});
