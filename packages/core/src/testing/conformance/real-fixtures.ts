/**
 * The real legacy databases (`shared/fixtures/legacy-dbs`): each opened with both
 * strategies and read back run by run and row by row against its own raw rows,
 * then written on; a deployed file's own constraints answered as validation errors.
 */
import { expect } from 'vitest';
import { TABLES } from '../../columns/registry.js';
import { fieldIndex } from '../../columns/rows.js';
import { NeedsMigrationError } from '../../errors.js';
import { MetadataManager } from '../../manager/metadata-manager.js';
import type { MigrationStrategy } from '../../schema/migration-strategies.js';
import { type CaseBody, type ConformanceContext, group } from './context.js';
import { DB, exactBytes, raw, sameBytes } from './sql-helpers.js';

/** The fixtures every backend opens, one v1 file of each deployed width and one v2 file. */
const REAL_FIXTURES = [
  'deployed-v1-18col-9runs.db',
  'deployed-v1-20col-393runs.db',
  'deployed-v2-32col-110runs.db',
] as const;
type RealFixture = (typeof REAL_FIXTURES)[number];
type RealFixtureCase =
  `opens the real ${RealFixture} (${MigrationStrategy}) and reads back every run and child row`;

/** Open one real fixture with one strategy and compare every run with the fixture's own rows. */
async function readsBackEveryRow(
  { options, open, observe }: ConformanceContext,
  file: RealFixture,
  strategy: MigrationStrategy,
): Promise<void> {
  const bytes = options.fixtures[file];
  expect(bytes, `fixture ${file}`).toBeDefined();
  const adapter = await options.createAdapter();
  let expectedRunsColumns = 0;
  await adapter.writeBytes(DB, bytes!);
  await adapter.writeBytes('reference.db', bytes!);
  const reference = await raw(adapter, 'reference.db', 'SELECT * FROM runs ORDER BY run_id');
  expect(reference.length).toBeGreaterThan(0);
  const childCounts = await raw(
    adapter,
    'reference.db',
    'SELECT (SELECT count(*) FROM mechanism_usage) AS m, (SELECT count(*) FROM resolution_assignments) AS r, (SELECT count(*) FROM validations) AS v',
  );
  const manager = await open(adapter, { migration: { strategy } });
  const isV2 = file.includes('v2');
  const runs = await manager.getAllRuns({ includeArchive: true, withMechanisms: true });
  expect(runs).toHaveLength(reference.length);
  const byId = new Map(runs.map((r) => [r.runId, r]));
  const fields = fieldIndex(TABLES.runs);
  for (const row of reference) {
    const run = byId.get(String(row.run_id))!;
    expect(run, String(row.run_id)).toBeDefined();
    for (const [column, value] of Object.entries(row)) {
      const known = fields.get(column);
      if (!known) {
        expect(run.extra[column]).toEqual(value);
        continue;
      }
      const [field, def] = known;
      if (field === 'schemaVersion') continue;
      expect((run as unknown as Record<string, unknown>)[field], `${row.run_id}.${column}`).toEqual(
        def.codec.decode(value).value,
      );
    }
    expect(run.schemaVersion).toBe(isV2 ? row.schema_version : '1.0');
    expect(run.source).toBe(isV2 || strategy === 'carry-over' ? 'active' : 'archive');
  }
  const modes = new Set(runs.map((r) => r.causalMode));
  expect(
    [...modes].every((m) =>
      ['pearl', 'nonlinear', 'branching', 'directorial', 'cyclical', 'portal', 'forward'].includes(
        String(m),
      ),
    ),
  ).toBe(true);
  expect(runs.flatMap((r) => r.readIssues ?? []).filter((i) => i.kind === 'unknown_enum')).toEqual(
    [],
  );
  const sorted = runs.map((r) => r.createdAt ?? r.startedAt ?? '');
  expect(sorted).toEqual([...sorted].sort());
  // Child rows: every one is readable from the database that holds the run.
  const counts = childCounts[0]!;
  if (isV2 || strategy === 'carry-over') {
    let m = 0;
    let r = 0;
    for (const run of runs) {
      m += (await manager.getMechanisms(run.runId!)).length;
      r += (await manager.getResolutions(run.runId!)).length;
    }
    expect([m, r]).toEqual([counts.m, counts.r]);
  }
  if (isV2) {
    expect(manager.migration).toMatchObject({
      action: 'repair',
      addedColumns: [
        'created_at',
        'updated_at',
        'goal',
        'origin_description',
        'portal_description',
        'portal_year',
        'origin_year',
        'backward_steps',
      ],
    });
    expect(runs.filter((run) => run.status === 'running')).toHaveLength(18);
    const trained = await manager.getAllRuns({ where: 'fidelity.trained >= 2' });
    expect(trained.map((r) => r.runId)).toEqual(
      runs.filter((r) => (r.fidelityDistribution?.trained ?? 0) >= 2).map((r) => r.runId),
    );
    expect(trained.length).toBeGreaterThan(0);
    expect(Math.max(...runs.map((run) => run.tokenBudgetCompliance ?? 0))).toBeGreaterThan(1);
    expect(
      runs.some(
        (run) => run.fidelityDistribution && Object.keys(run.fidelityDistribution).length > 0,
      ),
    ).toBe(true);
    expectedRunsColumns = 40;
  } else {
    expect(manager.migration).toMatchObject({
      action: 'migrate',
      strategy,
      archivedRuns: reference.length,
      runsCarried: strategy === 'carry-over' ? reference.length : 0,
    });
  }
  // New runs (and their child rows, whose ids continue after the carried
  // ones) can be written on top of real data, and read back as the latest.
  await manager.startRun({
    runId: 'new_after_migration',
    templateId: 'jefferson_dinner',
    causalMode: 'pearl',
  });
  await manager.recordBatch('new_after_migration', {
    mechanisms: [{ mechanism: 'M1', functionName: 'after' }],
    resolutions: [{ entityId: 'e', resolution: 'DIALOG', timepointId: 'tp' }],
    validations: [{ validatorName: 'v', passed: true }],
  });
  expect((await manager.getSnapshot('new_after_migration')).mechanismsUsed).toEqual(['M1']);
  const latest = (await manager.getAllRuns({ includeArchive: true })).at(-1);
  expect(latest?.runId).toBe('new_after_migration');
  await manager.close();
  if (expectedRunsColumns) {
    expect((await observe(adapter)).tables.runs).toHaveLength(expectedRunsColumns);
  }
}

/** One case per fixture and strategy. */
function realFixtureCases(): Record<RealFixtureCase, CaseBody> {
  const cases = {} as Record<RealFixtureCase, CaseBody>;
  for (const file of REAL_FIXTURES) {
    for (const strategy of ['archive', 'carry-over'] as const) {
      cases[`opens the real ${file} (${strategy}) and reads back every run and child row`] = (t) =>
        readsBackEveryRow(t, file, strategy);
    }
  }
  return cases;
}

export const realFixtures = group('the real legacy databases are read back whole', {
  'is given the real legacy fixtures': async ({ options }) => {
    expect(Object.keys(options.fixtures).length).toBeGreaterThanOrEqual(3);
  },
  ...realFixtureCases(),
  'leaves a WAL-mode file byte-identical when opening is refused': async ({ open, options }) => {
    const adapter = await options.createAdapter();
    const fixture = options.fixtures['deployed-v2-32col-110runs.db']!;
    await adapter.writeBytes(DB, fixture);
    // What the container holds after the write: the file itself, or a server's image of it.
    const bytes = exactBytes(adapter) ? fixture : await adapter.readBytes(DB);
    await expect(open(adapter, { autoMigrate: false })).rejects.toBeInstanceOf(NeedsMigrationError);
    expect(sameBytes(await adapter.readBytes(DB), bytes)).toBe(true);
    expect(await adapter.list()).toEqual([DB]);
    const plan = await MetadataManager.plan({ adapter });
    expect(plan.action).toBe('repair');
    expect(sameBytes(await adapter.readBytes(DB), bytes)).toBe(true);
    expect(await adapter.list()).toEqual([DB]);
  },
  'reports a NOT NULL column of a deployed file as a validation error and stays usable': async ({
    open,
    options,
  }) => {
    const adapter = await options.createAdapter();
    await adapter.writeBytes(DB, options.fixtures['deployed-v2-32col-110runs.db']!);
    const manager = await open(adapter);
    const error = await manager
      .saveMetadata({ runId: 'no_start', templateId: 't', causalMode: 'pearl', summary: 's' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RUNMETA_VALIDATION', field: 'runs.started_at' });
    expect(await manager.getAllRuns()).toHaveLength(110);
    const saved = await manager.saveMetadata({
      runId: 'with_start',
      templateId: 't',
      causalMode: 'pearl',
      createdAt: '2026-02-01T00:00:00',
    });
    expect(saved.startedAt).toBe('2026-02-01T00:00:00');
    await manager.close();
  },
});
