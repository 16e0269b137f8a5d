/**
 * `runmeta compare` as a real process, on the shared legacy fixtures (as they
 * are, and after a migration moved their runs into the v1 archive) and on a
 * generated file: every field, which differ, the deltas, mechanism sets,
 * fidelity and validations checked against plain better-sqlite3 reads of an
 * untouched copy (`compare-expected.ts`); the table output, its
 * `--only-differences` and `--baseline`; and the errors, with files unchanged.
 */
import fs from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import pc from 'picocolors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderComparison } from '../src/output/compare.js';
import {
  type ComparisonJson,
  expectFields,
  expectMechanisms,
  expectValidations,
  plainDerivedDistribution,
  plainRuns,
} from './compare-expected.js';
import {
  ANSI,
  copyFixture,
  expectOneErrorLine,
  makeTempDir,
  plainAll,
  removeDir,
  runCli,
  snapshotDir,
  V1_18,
  V1_20,
  V2_32,
} from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = makeTempDir('compare');
});
afterAll(() => removeDir(dir));

const cli = (db: string, ...args: string[]) => runCli(['--db', db, ...args], { cwd: dir });

/** `compare --json` parsed, after checking it succeeded. */
async function compareJson(db: string, ...args: string[]): Promise<ComparisonJson> {
  const result = await cli(db, '--json', 'compare', ...args);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as ComparisonJson;
}

/** The one output line of the field (or section row) `name`, marks and all. */
function rowOf(text: string, name: string): string {
  const found = text.split('\n').filter((line) => new RegExp(`^[≠ ]  ${name} `).test(line));
  expect(found, `one row for ${name}`).toHaveLength(1);
  return found[0]!;
}

describe('compare on the deployed v2 fixture', () => {
  let folder: string;
  let db: string;
  let expected: string;
  let ids: string[];
  beforeAll(() => {
    folder = path.join(dir, 'v2');
    db = copyFixture(V2_32, folder);
    expected = copyFixture(V2_32, path.join(dir, 'v2-untouched'));
    const pick = (sql: string) => plainAll(expected, sql).map((r) => String(r.run_id));
    ids = [
      ...new Set([
        ...pick(
          'SELECT run_id FROM mechanism_usage GROUP BY run_id ORDER BY count(*) DESC, run_id LIMIT 2',
        ),
        ...pick("SELECT run_id FROM runs WHERE status = 'running' ORDER BY run_id LIMIT 1"),
        ...pick(
          'SELECT run_id FROM runs WHERE token_budget_compliance > 1 ORDER BY run_id LIMIT 1',
        ),
      ]),
    ];
    expect(ids.length).toBeGreaterThanOrEqual(3);
  });

  it('--json: every field, what differs and the deltas equal a plain read of the file', async () => {
    const before = snapshotDir(folder);
    const result = await compareJson(db, ...ids, '--baseline', ids[1]!);
    expect(result.runs).toEqual(ids.map((runId) => ({ runId, source: 'active' })));
    expect(result.baseline).toBe(ids[1]);
    const runs = plainRuns(ids, [{ file: expected, source: 'active' }]);
    expectFields(result, runs, { baseline: 1, withSource: false });
    expectMechanisms(result, [expected], ids);
    expectValidations(result, expected, ids);
    // Stored distributions, levels as the runs name them, lowercased.
    const stored = runs.map((r) => r.row.fidelity_distribution);
    expect(result.fidelity.derived).toEqual(ids.map(() => false));
    expect(result.fidelity.distributions).toEqual(
      stored.map((text) =>
        text === null
          ? null
          : Object.fromEntries(
              Object.entries(JSON.parse(String(text))).map(([k, v]) => [k.toLowerCase(), v]),
            ),
      ),
    );
    expect(snapshotDir(folder)).toEqual(before);
  });

  it('the table has one row per field and one column per run, differing rows marked', async () => {
    const json = await compareJson(db, ...ids);
    const result = await cli(db, 'compare', ...ids);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toContain(ANSI);
    const header = result.stdout.split('\n').find((line) => /^\s+field\s/.test(line))!;
    expect(header).toContain(`${ids[0]} (baseline)`);
    for (const id of ids.slice(1)) expect(header).toContain(id);
    for (const field of json.fields.filter((f) => f.field !== 'runId')) {
      const row = rowOf(result.stdout, field.field.replace('.', '\\.'));
      expect(row.startsWith('≠'), field.field).toBe(field.differs);
    }
  });
});

describe('compare after a migration moved the runs into the v1 archive', () => {
  let folder: string;
  let db: string;
  let expected: string;
  let archived: string[];
  let fresh: string;
  /** A copy of the active database once written, for the plain reads. */
  let active: string;
  beforeAll(async () => {
    folder = path.join(dir, 'v1-migrated');
    db = copyFixture(V1_20, folder);
    expected = copyFixture(V1_20, path.join(dir, 'v1-untouched'));
    const migrated = await cli(db, 'migrate', '--yes');
    expect(migrated.code, migrated.stderr).toBe(0);
    archived = plainAll(
      expected,
      `SELECT m.run_id FROM mechanism_usage AS m JOIN resolution_assignments AS a ON a.run_id = m.run_id
       GROUP BY m.run_id ORDER BY count(DISTINCT m.mechanism) DESC, m.run_id LIMIT 2`,
    ).map((r) => String(r.run_id));
    const started = await cli(db, 'start', '--template', 'board_meeting', '--mode', 'forward');
    expect(started.code, started.stderr).toBe(0);
    fresh = started.stdout.trim();
    for (const args of [
      ['record', 'mechanism', fresh, 'M3', 'seed_knowledge'],
      ['record', 'resolution', fresh, 'ceo', 'DIALOG', 'tp_001'],
      ['record', 'validation', fresh, 'timeline', '--failed'],
      [
        'complete',
        fresh,
        '--entities',
        '3',
        '--timepoints',
        '2',
        '--cost',
        '0.5',
        '--tokens',
        '900',
      ],
    ]) {
      const result = await cli(db, ...args);
      expect(result.code, result.stderr).toBe(0);
    }
    active = path.join(dir, 'v1-migrated-active.db');
    fs.copyFileSync(db, active);
  });

  it('without --include-archive, an archived run exits 2 naming it and the flag', async () => {
    const before = snapshotDir(folder);
    const result = await cli(db, 'compare', fresh, archived[0]!);
    expectOneErrorLine(result, 2);
    expect(result.stderr).toContain(`"${archived[0]}"`);
    expect(result.stderr).toContain('runs_v1_archive.db');
    expect(result.stderr).toContain('--include-archive');
    expect(snapshotDir(folder)).toEqual(before);
  });

  it('--include-archive compares archived runs with a v2 run, each saying its source', async () => {
    const before = snapshotDir(folder);
    const ids = [...archived, fresh];
    const result = await compareJson(db, ...ids, '--include-archive');
    expect(result.runs.map((r) => r.source)).toEqual(['archive', 'archive', 'active']);
    const runs = plainRuns(ids, [
      { file: active, source: 'active' },
      { file: expected, source: 'archive' },
    ]);
    expectFields(result, runs, { baseline: 0, withSource: true });
    expectMechanisms(result, [active, expected], ids);
    expect(result.validations[2]).toEqual({
      passed: 0,
      failed: 1,
      total: 1,
      failedValidators: ['timeline'],
    });
    expectValidations(
      { ...result, validations: result.validations.slice(0, 2) },
      expected,
      archived,
    );
    // v1 runs store no distribution: derived from their assignments, as a plain query derives it.
    expect(result.fidelity.derived).toEqual([true, true, false]);
    expect(result.fidelity.distributions).toEqual([
      plainDerivedDistribution(expected, archived[0]!),
      plainDerivedDistribution(expected, archived[1]!),
      { dialog: 1 },
    ]);
    const text = await cli(db, 'compare', ...ids, '--include-archive');
    expect(text.stdout).toContain(`${archived[0]} (baseline, archive)`);
    expect(text.stdout).toContain('* derived from the run’s resolution assignments');
    expect(rowOf(text.stdout, 'source')).toMatch(/^≠\s+source\s+archive\s+archive\s+active$/);
    expect(snapshotDir(folder)).toEqual(before);
  });
});

describe('compare on a v1 file read as it is', () => {
  it('compares v1 runs without migrating, their distributions derived', async () => {
    const folder = path.join(dir, 'v1-18');
    const db = copyFixture(V1_18, folder);
    const expected = copyFixture(V1_18, path.join(dir, 'v1-18-untouched'));
    const ids = plainAll(expected, 'SELECT run_id FROM runs ORDER BY run_id LIMIT 3').map((r) =>
      String(r.run_id),
    );
    const before = snapshotDir(folder);
    const result = await compareJson(db, ...ids, '--baseline', ids[2]!);
    expectFields(result, plainRuns(ids, [{ file: expected, source: 'active' }]), {
      baseline: 2,
      withSource: false,
    });
    expect(result.mechanisms).toEqual({ events: [], shared: [], only: [[], [], []] });
    expect(result.fidelity.distributions).toEqual(
      ids.map((id) => plainDerivedDistribution(expected, id)),
    );
    const text = await cli(db, 'compare', ...ids);
    expect(text.stdout).toContain('(no mechanism events recorded)');
    expect(text.stdout).toContain('(no validations recorded)');
    expect(snapshotDir(folder)).toEqual(before);
  });
});

describe('compare on a generated file', () => {
  let folder: string;
  let db: string;
  let expected: string;
  const LONG_NOTE = 'a very long note '.repeat(8).trim();
  beforeAll(async () => {
    folder = path.join(dir, 'generated');
    db = path.join(folder, 'runs.db');
    const seeded = await cli(
      db,
      'start',
      '--template',
      'seed',
      '--mode',
      'forward',
      '--run-id',
      'seed',
    );
    expect(seeded.code, seeded.stderr).toBe(0);
    const plain = new BetterSqlite3(db);
    plain.exec('ALTER TABLE runs ADD COLUMN "lab note" TEXT');
    const run = plain.prepare(
      `INSERT INTO runs (run_id, template_id, created_at, causal_mode, status, cost_usd, tokens_used,
        training_examples, schema_version, "lab note") VALUES (?, ?, ?, ?, ?, ?, ?, ?, '2.0', ?)`,
    );
    run.run('g_base', 'alpha', '2025-06-01T10:00:00', 'forward', 'completed', 0.4, 1000, 0, 'x');
    run.run('g_more', 'alpha', '2025-06-02T10:00:00', 'forward', 'completed', 0.52, 1500, 5, 'x');
    run.run('g_zero', 'beta', '2025-06-03T10:00:00', 'portal', 'failed', 0, 800, 0, LONG_NOTE);
    const mechanism = plain.prepare(
      `INSERT INTO mechanism_usage (run_id, mechanism, function_name, timestamp) VALUES (?, ?, 'f', '2025-06-01T10:00:00')`,
    );
    for (const [id, m] of [
      ['g_base', 'M1'],
      ['g_base', 'M3'],
      ['g_base', 'M3'],
      ['g_more', 'M5'],
      ['g_more', 'M1'],
      ['g_zero', 'M17'],
      ['g_zero', 'M1'],
    ])
      mechanism.run(id, m);
    const validation = plain.prepare(
      `INSERT INTO validations (run_id, validator_name, passed, timestamp) VALUES (?, ?, ?, '2025-06-01T10:00:00')`,
    );
    for (const [id, name, passed] of [
      ['g_base', 'schema', 1],
      ['g_base', 'timeline', 0],
      ['g_base', 'timeline', 0],
      ['g_more', 'schema', 1],
      ['g_more', 'schema', 1],
    ] as const)
      validation.run(id, name, passed);
    plain.close();
    expected = path.join(dir, 'generated-untouched.db');
    fs.copyFileSync(db, expected);
  });
  const IDS = ['g_base', 'g_more', 'g_zero'];

  it('--json equals a plain read: fields, deltas, mechanisms, validations', async () => {
    const result = await compareJson(db, ...IDS);
    expectFields(result, plainRuns(IDS, [{ file: expected, source: 'active' }]), {
      baseline: 0,
      withSource: false,
    });
    expectMechanisms(result, [expected], IDS);
    expectValidations(result, expected, IDS);
    expect(result.mechanisms.shared).toEqual(['M1']);
    expect(result.mechanisms.only).toEqual([['M3'], ['M5'], ['M17']]);
    expect(result.validations[0]).toMatchObject({
      passed: 1,
      failed: 2,
      failedValidators: ['timeline'],
    });
  });

  it('shows numbers with their delta, a baseline of 0 without a percentage', async () => {
    const before = snapshotDir(folder);
    const result = await cli(db, 'compare', ...IDS);
    expect(result.code, result.stderr).toBe(0);
    expect(rowOf(result.stdout, 'costUsd')).toMatch(
      /^≠\s+costUsd\s+0\.4\s+0\.52 \(\+0\.12, \+30\.0%\)\s+0 \(-0\.4, -100\.0%\)$/,
    );
    expect(rowOf(result.stdout, 'tokensUsed')).toMatch(
      /^≠\s+tokensUsed\s+1000\s+1500 \(\+500, \+50\.0%\)\s+800 \(-200, -20\.0%\)$/,
    );
    expect(rowOf(result.stdout, 'trainingExamples')).toMatch(
      /^≠\s+trainingExamples\s+0\s+5 \(\+5\)\s+0$/,
    );
    expect(rowOf(result.stdout, 'schemaVersion')).toMatch(
      /^ \s+schemaVersion\s+2\.0\s+2\.0\s+2\.0$/,
    );
    expect(rowOf(result.stdout, 'goal')).toMatch(/^ \s+goal\s+—\s+—\s+—$/);
    // A long value is cut to its column with …, never widening the table.
    const note = rowOf(result.stdout, 'extra\\.lab note');
    expect(note).toContain('…');
    expect(note).not.toContain(LONG_NOTE);
    expect(result.stdout).toContain('shared by all: M1');
    expect(result.stdout).toContain('only in g_base: M3');
    expect(result.stdout).toContain('only in g_zero: M17');
    expect(rowOf(result.stdout, 'g_base')).toMatch(/^≠\s+g_base\s+1\s+2\s+timeline$/);

    const fromZero = await cli(db, 'compare', ...IDS, '--baseline', 'g_zero');
    expect(rowOf(fromZero.stdout, 'costUsd')).toMatch(
      /^≠\s+costUsd\s+0\.4 \(\+0\.4\)\s+0\.52 \(\+0\.52\)\s+0$/,
    );
    expect(fromZero.stdout).toContain('g_zero (baseline)');
    expect(snapshotDir(folder)).toEqual(before);
  });

  it('--only-differences shows exactly the fields that differ', async () => {
    const json = await compareJson(db, ...IDS);
    const result = await cli(db, 'compare', ...IDS, '--only-differences');
    expect(result.code, result.stderr).toBe(0);
    const table = result.stdout.split('\n\n')[1]!;
    const shown = table
      .split('\n')
      .slice(2)
      .map((line) => line.slice(3).split(/\s{2,}/)[0]);
    expect(shown).toEqual(
      json.fields.filter((f) => f.differs && f.field !== 'runId').map((f) => f.field),
    );
    expect(
      table
        .split('\n')
        .slice(2)
        .every((line) => line.startsWith('≠')),
    ).toBe(true);
  });

  it.each([
    [['g_base'], '<run>', 'two'],
    [['g_base', 'g_more', 'g_base'], '<run>', '"g_base" twice'],
    [['g_base', 'g_more', '--baseline', 'g_zero'], '--baseline', '"g_zero"'],
    [['g_base', 'nowhere'], '"nowhere"', 'not found'],
  ])('compare %j exits 2 naming %s, changing nothing', async (args, named, text) => {
    const before = snapshotDir(folder);
    const result = await cli(db, 'compare', ...args);
    expectOneErrorLine(result, 2);
    expect(result.stderr).toContain(named);
    expect(result.stderr).toContain(text);
    expect(snapshotDir(folder)).toEqual(before);
  });

  it('colours the rows that differ when colour is on, and writes no colour code when it is off', async () => {
    const json = await compareJson(db, 'g_base', 'g_more');
    const on = renderComparison(json as never, {
      onlyDifferences: false,
      color: pc.createColors(true),
    });
    const yellow = '\u001b[33m';
    const costRow = on.split('\n').find((line) => line.includes('costUsd'))!;
    const statusRow = on.split('\n').find((line) => line.includes('  status  '))!;
    expect(costRow.startsWith(`${yellow}≠`)).toBe(true);
    expect(statusRow).not.toContain(ANSI);
    const off = renderComparison(json as never, {
      onlyDifferences: false,
      color: pc.createColors(false),
    });
    expect(off).not.toContain(ANSI);
    expect(off).toBe(stripVTControlCharacters(on));
    // A real process with colour allowed but stdout piped writes none either.
    const piped = await runCli(['--db', db, 'compare', 'g_base', 'g_more'], {
      cwd: dir,
      env: { NO_COLOR: undefined, TERM: 'xterm-256color' },
    });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).not.toContain(ANSI);
    expect(piped.stdout).toContain('≠  costUsd');
  });

  it('without any run, exits 2 with the usage', async () => {
    const result = await cli(db, 'compare');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("missing required argument 'run'");
  });
});
