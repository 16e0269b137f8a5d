import { describe, expect, it } from 'vitest';
import { sqliteDialect } from '../storage/sqlite/sqlite-dialect.js';
import {
  CHILDREN,
  cols,
  DEPLOYED_18,
  freshV2,
  MISSING_IN_32,
  UNRELATED_TABLES,
  v1Deployed18,
  v1Deployed20,
  v1Documented,
  v2Deployed32,
} from './legacy-shapes.fixture.js';
import { type MigrationPlan, planMigration } from './plan.js';
import { formatPlan } from './plan-text.js';

const ARCHIVE_KINDS = [
  'checkpoint',
  'create-aside',
  'create-indexes',
  'record-history',
  'archive-move',
  'install',
  'verify',
];
const CARRY_OVER_KINDS = [
  'checkpoint',
  'create-aside',
  'carry-over',
  'create-indexes',
  'record-history',
  'archive-move',
  'install',
  'verify',
];

const kinds = (plan: MigrationPlan) => plan.steps.map((s) => s.kind);
const allSql = (plan: MigrationPlan) => [
  ...plan.steps.flatMap((s) => s.sql),
  ...plan.copies.flatMap((c) => [c.select, c.insert]),
  ...plan.addedColumns.map((c) => c.sql),
];
const step = (plan: MigrationPlan, kind: string) => {
  const found = plan.steps.find((s) => s.kind === kind);
  expect(found, `step ${kind}`).toBeDefined();
  return found!;
};

describe('planMigration: v1 → v2, archive strategy (default)', () => {
  it.each([
    ['18-column deployed', v1Deployed18, 'v1-deployed-18'],
    ['20-column deployed', v1Deployed20, 'v1-deployed-20'],
    ['21-column documented', v1Documented, 'v1-documented'],
  ] as const)('plans the archive steps for the %s v1 file', (_label, shape, kind) => {
    const plan = planMigration(shape());
    expect(plan.detection.kind).toBe(kind);
    expect(plan.action).toBe('migrate');
    expect(plan.refusal).toBeNull();
    expect(plan.strategy).toBe('archive');
    expect(plan.backfill).toBe(false);
    expect(kinds(plan)).toEqual(ARCHIVE_KINDS);
    expect(plan.archiveName).toBe('runs_v1_archive.db');
    expect(plan.copies).toEqual([]);
    expect(plan.addedColumns).toEqual([]);
  });

  it('moves the v1 file to the archive, then the aside build into place', () => {
    const plan = planMigration(v1Deployed18());
    const aside = plan.asideName!;
    expect(aside).toBeTruthy();
    expect(aside).not.toBe('runs.db');
    expect(aside).not.toBe('runs_v1_archive.db');
    expect(plan.fileMoves).toEqual([
      { from: 'runs.db', to: 'runs_v1_archive.db' },
      { from: aside, to: 'runs.db' },
    ]);
    expect(step(plan, 'archive-move')).toMatchObject({ from: 'runs.db', to: 'runs_v1_archive.db' });
    expect(step(plan, 'install')).toMatchObject({ from: aside, to: 'runs.db' });
    expect(step(plan, 'checkpoint').database).toBe('runs.db');
    expect(step(plan, 'checkpoint').sql.join(' ')).toMatch(/wal_checkpoint/i);
    expect(step(plan, 'create-aside').database).toBe(aside);
    expect(step(plan, 'record-history').database).toBe(aside);
  });

  it('builds the aside database with the v2 runs table and history table', () => {
    const sql = step(planMigration(v1Deployed18()), 'create-aside').sql.join('\n');
    expect(sql).toMatch(/CREATE TABLE[^(]*"runs"/);
    expect(sql).toMatch(/CREATE TABLE[^(]*"runmeta_migrations"/);
    expect(sql).toContain('"schema_version"');
  });

  it('verifies integrity and row counts at the end', () => {
    const verify = step(planMigration(v1Deployed20()), 'verify');
    expect(verify.sql).toContain('PRAGMA integrity_check');
    for (const table of ['runs', 'mechanism_usage', 'resolution_assignments', 'validations']) {
      expect(verify.sql.some((s) => s.includes(`"${table}"`) && /count/i.test(s))).toBe(true);
    }
  });

  it('never overwrites an existing archive: picks runs_v1_archive_2.db', () => {
    const plan = planMigration(v1Deployed18(), { existing: ['runs.db', 'runs_v1_archive.db'] });
    expect(plan.archiveName).toBe('runs_v1_archive_2.db');
    expect(step(plan, 'archive-move').to).toBe('runs_v1_archive_2.db');
    expect(plan.fileMoves[0]).toEqual({ from: 'runs.db', to: 'runs_v1_archive_2.db' });
    expect(step(plan, 'archive-move').description).toContain('runs_v1_archive_2.db');
  });

  it('skips every taken archive name', () => {
    const plan = planMigration(v1Deployed18(), {
      existing: ['runs_v1_archive.db', 'runs_v1_archive_2.db', 'runs_v1_archive_3.db'],
    });
    expect(plan.archiveName).toBe('runs_v1_archive_4.db');
  });

  it('derives names from a custom database name', () => {
    const plan = planMigration(v1Deployed18(), { database: 'other.db' });
    expect(plan.archiveName).toBe('other_v1_archive.db');
    expect(plan.fileMoves[0]).toEqual({ from: 'other.db', to: 'other_v1_archive.db' });
    expect(plan.fileMoves[1]?.to).toBe('other.db');
  });

  it('refuses a strategy it does not know instead of planning an archive', () => {
    expect(() => planMigration(v1Deployed18(), { strategy: 'bogus' as never })).toThrow(
      expect.objectContaining({
        code: 'RUNMETA_VALIDATION',
        field: 'strategy',
        message: expect.stringContaining('archive or carry-over (got "bogus")'),
      }),
    );
  });

  it('ignores backfill without carry-over', () => {
    const plan = planMigration(v1Deployed18(), { backfill: true });
    expect(plan.backfill).toBe(false);
    expect(kinds(plan)).toEqual(ARCHIVE_KINDS);
  });
});

describe('planMigration: carry-over strategy', () => {
  it('adds a carry-over step after building the aside database', () => {
    const plan = planMigration(v1Deployed18(), { strategy: 'carry-over' });
    expect(plan.action).toBe('migrate');
    expect(plan.strategy).toBe('carry-over');
    expect(kinds(plan)).toEqual(CARRY_OVER_KINDS);
    expect(step(plan, 'carry-over').database).toBe(plan.asideName);
  });

  it('adds the backfill step after carry-over when asked', () => {
    const plan = planMigration(v1Deployed18(), { strategy: 'carry-over', backfill: true });
    expect(plan.backfill).toBe(true);
    expect(kinds(plan)).toEqual([
      'checkpoint',
      'create-aside',
      'carry-over',
      'backfill',
      'create-indexes',
      'record-history',
      'archive-move',
      'install',
      'verify',
    ]);
    const sql = step(plan, 'backfill').sql.join('\n');
    expect(sql).toMatch(/^UPDATE "runs" SET /m);
    expect(sql).toContain('"fidelity_efficiency_score"');
  });

  it('adds the source columns v2 lacks to the aside runs table', () => {
    const plan = planMigration(v1Deployed18(), { strategy: 'carry-over' });
    const added = plan.addedColumns.filter((c) => c.table === 'runs').map((c) => c.column);
    expect(added.sort()).toEqual(
      ['completed_at', 'duration_seconds', 'max_entities', 'max_timepoints', 'started_at'].sort(),
    );
    const aside = step(plan, 'create-aside').sql;
    for (const column of added) {
      const sql = plan.addedColumns.find((c) => c.column === column)!.sql;
      expect(sql).toMatch(new RegExp(`^ALTER TABLE "runs" ADD COLUMN "${column}"`));
      expect(sql).not.toMatch(/PRIMARY KEY|NOT NULL/);
      expect(aside).toContain(sql);
    }
    // The ALTERs come after the CREATE TABLE of runs.
    const createRuns = aside.findIndex((s) => /CREATE TABLE[^(]*"runs"/.test(s));
    const firstAlter = aside.findIndex((s) => s.startsWith('ALTER TABLE'));
    expect(createRuns).toBeGreaterThanOrEqual(0);
    expect(firstAlter).toBeGreaterThan(createRuns);
  });

  it('also keeps summary and summary_generated_at of the 20-column file', () => {
    const plan = planMigration(v1Deployed20(), { strategy: 'carry-over' });
    const added = plan.addedColumns.map((c) => c.column);
    expect(added).toContain('summary');
    expect(added).toContain('summary_generated_at');
    expect(added).toHaveLength(7);
  });

  it('adds nothing for the documented 21-column v1 schema', () => {
    const plan = planMigration(v1Documented(), { strategy: 'carry-over' });
    expect(plan.addedColumns).toEqual([]);
  });

  it('copies every source column of runs by name and sets schema_version to 1.0', () => {
    const plan = planMigration(v1Deployed18(), { strategy: 'carry-over' });
    const runs = plan.copies.find((c) => c.table === 'runs')!;
    expect(runs).toBeDefined();
    expect(runs.columns).toEqual(cols(DEPLOYED_18).map((c) => c.name));
    expect(runs.constants).toEqual({ schema_version: '1.0' });
    for (const column of runs.columns) {
      expect(runs.select).toContain(`"${column}"`);
      expect(runs.insert).toContain(`"${column}"`);
    }
    expect(runs.insert).toContain('"schema_version"');
    const placeholders = runs.insert.match(/\?/g) ?? [];
    expect(placeholders).toHaveLength(runs.columns.length + 1);
  });

  it('copies each child table that exists in the source', () => {
    const plan = planMigration(v1Deployed20(), { strategy: 'carry-over' });
    expect(plan.copies.map((c) => c.table).sort()).toEqual(
      ['mechanism_usage', 'resolution_assignments', 'runs', 'validations'].sort(),
    );
    const children = plan.copies.filter((c) => c.table !== 'runs');
    for (const copy of children) expect(copy.constants).toEqual({});
    const mech = plan.copies.find((c) => c.table === 'mechanism_usage')!;
    expect(mech.columns).toEqual(CHILDREN.mechanism_usage.map((c) => c.name));
  });

  it('skips child tables the source lacks', () => {
    const schema = v1Deployed18();
    schema.tables = { runs: schema.tables.runs! };
    const plan = planMigration(schema, { strategy: 'carry-over' });
    expect(plan.copies.map((c) => c.table)).toEqual(['runs']);
  });

  it('quotes a weird source column name correctly in all SQL', () => {
    const schema = v1Deployed18();
    schema.tables.runs = [
      ...schema.tables.runs!,
      { name: 'we"ird col', type: 'TEXT', notNull: false, defaultSql: null, primaryKey: false },
    ];
    const plan = planMigration(schema, { strategy: 'carry-over' });
    const quoted = '"we""ird col"';
    const added = plan.addedColumns.find((c) => c.column === 'we"ird col');
    expect(added?.sql).toBe(`ALTER TABLE "runs" ADD COLUMN ${quoted} TEXT`);
    const runs = plan.copies.find((c) => c.table === 'runs')!;
    expect(runs.select).toContain(quoted);
    expect(runs.insert).toContain(quoted);
    for (const sql of allSql(plan)) {
      // Once the correctly quoted form is removed, no trace of the name may remain.
      expect(sql.replaceAll(quoted, '<q>')).not.toContain('ird col');
    }
  });

  it('drops a declared type that could inject SQL', () => {
    const schema = v1Deployed18();
    schema.tables.runs = [
      ...schema.tables.runs!,
      {
        name: 'notes',
        type: 'TEXT); DROP TABLE runs; --',
        notNull: false,
        defaultSql: null,
        primaryKey: false,
      },
    ];
    const plan = planMigration(schema, { strategy: 'carry-over' });
    expect(plan.addedColumns.find((c) => c.column === 'notes')?.sql).toBe(
      'ALTER TABLE "runs" ADD COLUMN "notes"',
    );
    for (const sql of allSql(plan)) expect(sql).not.toMatch(/\bDROP\b/i);
  });

  it('does not re-add a v2 column that differs only in case (SQLite names are case-blind)', () => {
    const schema = v1Documented();
    schema.tables.runs = schema.tables.runs!.map((c) =>
      c.name === 'status' ? { ...c, name: 'STATUS' } : c,
    );
    const plan = planMigration(schema, { strategy: 'carry-over' });
    const aside = step(plan, 'create-aside').sql;
    expect(aside.some((s) => /ADD COLUMN "status"/i.test(s))).toBe(false);
  });
});

describe('planMigration: v2 databases', () => {
  it('repairs the 32-column file by adding exactly the 8 missing columns', () => {
    const plan = planMigration(v2Deployed32());
    expect(plan.detection.kind).toBe('v2-missing-columns');
    expect(plan.action).toBe('repair');
    expect(plan.strategy).toBeNull();
    expect(plan.archiveName).toBeNull();
    expect(plan.fileMoves).toEqual([]);
    expect(plan.addedColumns.map((c) => c.column).sort()).toEqual([...MISSING_IN_32].sort());
    for (const added of plan.addedColumns) {
      expect(added.table).toBe('runs');
      expect(added.sql).toMatch(new RegExp(`^ALTER TABLE "runs" ADD COLUMN "${added.column}" `));
      expect(added.sql).not.toMatch(/PRIMARY KEY|NOT NULL/);
    }
    expect(plan.addedColumns.find((c) => c.column === 'created_at')?.sql).toContain('TIMESTAMP');
    expect(plan.addedColumns.find((c) => c.column === 'portal_year')?.sql).toContain('INTEGER');
    expect(kinds(plan)).toEqual([
      'add-missing-columns',
      'create-missing-tables',
      'record-history',
      'verify',
    ]);
    expect(step(plan, 'add-missing-columns').sql).toHaveLength(8);
  });

  it('never drops or renames anything in the repair', () => {
    const plan = planMigration(v2Deployed32());
    const sql = allSql(plan);
    expect(sql.length).toBeGreaterThan(0);
    for (const statement of sql) {
      expect(statement).not.toMatch(/\bDROP\b/i);
      expect(statement).not.toMatch(/\bRENAME\b/i);
      expect(statement).not.toMatch(/\bDELETE\b/i);
    }
    // None of the 14 unrelated tables is touched.
    for (const table of UNRELATED_TABLES) {
      expect(sql.some((s) => s.includes(`"${table}"`))).toBe(false);
    }
  });

  it('creates the missing history table and the v2 indexes in the repair', () => {
    const sql = step(planMigration(v2Deployed32()), 'create-missing-tables').sql.join('\n');
    expect(sql).toMatch(/CREATE TABLE[^(]*"runmeta_migrations"/);
    expect(sql).toContain('"idx_runs_created_at"');
    expect(sql).not.toMatch(/CREATE TABLE[^(]*"runs"/);
  });

  it('does nothing for a fresh, complete v2 database', () => {
    const plan = planMigration(freshV2());
    expect(plan.detection.kind).toBe('v2');
    expect(plan.action).toBe('none');
    expect(plan.steps).toEqual([]);
    expect(plan.addedColumns).toEqual([]);
    expect(formatPlan(plan)).toMatch(/up to date/);
  });

  it('repairs only the indexes when they are missing', () => {
    const schema = freshV2();
    schema.indexes = [];
    const plan = planMigration(schema);
    expect(plan.action).toBe('repair');
    expect(plan.addedColumns).toEqual([]);
    expect(kinds(plan)).toEqual(['create-missing-tables', 'record-history', 'verify']);
    const sql = step(plan, 'create-missing-tables').sql;
    // The indexes, then the planner's statistics they need (and nothing else).
    expect(sql.slice(0, -1).every((s) => s.startsWith('CREATE INDEX IF NOT EXISTS'))).toBe(true);
    expect(sql.at(-1)).toBe('ANALYZE "runs"');
  });

  it('gathers no statistics when only a column is missing', () => {
    const schema = freshV2();
    schema.tables.runs = schema.tables.runs!.filter((c) => c.name !== 'fidelity_distribution');
    const plan = planMigration(schema);
    expect(plan.action).toBe('repair');
    expect(plan.steps.flatMap((s) => s.sql).some((s) => s.startsWith('ANALYZE'))).toBe(false);
  });
});

describe('planMigration: create and refuse', () => {
  it('creates a fresh database aside when there is none, then moves it into place', () => {
    const plan = planMigration(null);
    expect(plan.detection.kind).toBe('absent');
    expect(plan.action).toBe('create');
    expect(kinds(plan)).toEqual(['create-aside', 'record-history', 'install', 'verify']);
    const ddl = step(plan, 'create-aside').sql.join('\n');
    expect(ddl).toMatch(/CREATE TABLE[^(]*"runs"/);
    expect(ddl).toMatch(/CREATE INDEX[^(]*"idx_runs_status"/);
    expect(plan.fileMoves).toEqual([{ from: 'runs.db.v2-building', to: 'runs.db' }]);
    expect(plan.archiveName).toBeNull();
  });

  it('refuses an existing database without tables instead of guessing', () => {
    const plan = planMigration({ tables: {}, indexes: [], schemaVersions: [] });
    expect(plan.detection.kind).toBe('empty');
    expect(plan.action).toBe('refuse');
    expect(plan.refusal).toMatch(/no tables/);
    expect(plan.steps).toEqual([]);
  });

  it('plans an in-SQLite copy (ATTACH) when the adapter can attach', () => {
    const plan = planMigration(v1Deployed18(), { strategy: 'carry-over', attach: true });
    const sql = step(plan, 'carry-over').sql;
    expect(sql[0]).toBe('ATTACH DATABASE ? AS "runmeta_source"');
    expect(sql.at(-1)).toBe('DETACH DATABASE "runmeta_source"');
    // Page by page: the source's rowid span, then one rowid range per statement.
    // Its two ends as two subqueries, each one b-tree probe (not one SELECT of both, a scan).
    expect(sql[1]).toBe(
      'SELECT CAST((SELECT min(_rowid_) FROM "runmeta_source"."runs") AS TEXT) AS "first", CAST((SELECT max(_rowid_) FROM "runmeta_source"."runs") AS TEXT) AS "last"',
    );
    expect(sql[2]).toMatch(
      /^INSERT INTO "runs" \(.*"schema_version"\) SELECT .*, \? FROM "runmeta_source"\."runs" WHERE _rowid_ >= \? AND _rowid_ <= \? ORDER BY _rowid_$/,
    );
  });

  it('refuses a newer schema and changes nothing', () => {
    const schema = freshV2();
    schema.schemaVersions = ['3.0'];
    const plan = planMigration(schema, { strategy: 'carry-over' });
    expect(plan.action).toBe('refuse');
    expect(plan.refusal).toContain('3.0');
    expect(plan.steps).toEqual([]);
    expect(plan.fileMoves).toEqual([]);
    expect(plan.addedColumns).toEqual([]);
    expect(formatPlan(plan)).toMatch(/^Refused: runs\.db .*3\.0/);
  });

  it('refuses a foreign database', () => {
    const plan = planMigration({
      tables: { entity: cols('id:INTEGER:1::1 name:TEXT:0::0') },
      indexes: [],
      schemaVersions: [],
    });
    expect(plan.detection.kind).toBe('foreign');
    expect(plan.action).toBe('refuse');
    expect(plan.refusal).toMatch(/runs/);
    expect(plan.steps).toEqual([]);
    expect(formatPlan(plan)).toMatch(/^Refused/);
  });
});

describe('planMigration purity', () => {
  it('returns the same plan for the same input and does not modify the input', () => {
    const schema = v1Deployed20();
    const before = structuredClone(schema);
    const a = planMigration(schema, { strategy: 'carry-over', backfill: true });
    const b = planMigration(schema, { strategy: 'carry-over', backfill: true });
    expect(a).toEqual(b);
    expect(schema).toEqual(before);
  });
});

describe('formatPlan', () => {
  const plans: [string, MigrationPlan][] = [
    ['archive', planMigration(v1Deployed18())],
    ['carry-over', planMigration(v1Deployed20(), { strategy: 'carry-over', backfill: true })],
    ['repair', planMigration(v2Deployed32())],
    ['create', planMigration(null)],
  ];

  it.each(plans)('mentions each step and its SQL (%s)', (_label, plan) => {
    const text = formatPlan(plan);
    expect(plan.steps.length).toBeGreaterThan(0);
    for (const s of plan.steps) {
      expect(text).toContain(`[${s.kind}]`);
      expect(text).toContain(s.description);
      for (const sql of s.sql) expect(text).toContain(sql.replace(/\s+/g, ' ').trim());
    }
    const numbered = text.split('\n').filter((line) => /^\s+\d+\. \[/.test(line));
    expect(numbered).toHaveLength(plan.steps.length);
  });

  it('names the strategy and the archive in a migration plan', () => {
    const text = formatPlan(planMigration(v1Deployed18(), { existing: ['runs_v1_archive.db'] }));
    expect(text).toContain('archive');
    expect(text).toContain('runs_v1_archive_2.db');
    expect(text).toContain('v1-deployed-18');
  });
});

describe('planMigration: a backend that checks types (dialect)', () => {
  // A dialect whose INTEGER columns would refuse text: as PostgreSQL's does.
  const strict = {
    ...sqliteDialect,
    name: 'strict',
    checkpointSql: null,
    mayRefuse: (type: string, source: string) => type === 'INTEGER' && /^text/i.test(source),
  };

  it('keeps a legacy column its own type where the registry type could refuse values', () => {
    const schema = v1Deployed18();
    schema.tables.runs = schema.tables.runs!.map((c) =>
      c.name === 'tokens_used' ? { ...c, type: 'TEXT' } : c,
    );
    const plan = planMigration(schema, { strategy: 'carry-over', dialect: strict });
    expect(plan.keptSourceTypes).toEqual(['runs.tokens_used TEXT']);
    const runsDdl = step(plan, 'create-aside').sql[0]!;
    expect(runsDdl).toMatch(/"tokens_used" TEXT/);
    expect(runsDdl).toMatch(/"entities_created" INTEGER/);
    expect(step(plan, 'create-aside').description).toContain('declaring runs.tokens_used TEXT');
    // No checkpoint on a backend without a write-ahead log to fold.
    expect(kinds(plan)).not.toContain('checkpoint');
  });

  it('changes nothing on SQLite, which keeps any value in any column', () => {
    const schema = v1Deployed18();
    schema.tables.runs = schema.tables.runs!.map((c) =>
      c.name === 'tokens_used' ? { ...c, type: 'TEXT' } : c,
    );
    const plan = planMigration(schema, { strategy: 'carry-over' });
    expect(plan.keptSourceTypes).toEqual([]);
    expect(step(plan, 'create-aside').sql[0]).toMatch(/"tokens_used" INTEGER/);
  });
});
