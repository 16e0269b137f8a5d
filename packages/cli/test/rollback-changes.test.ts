/**
 * `runmeta rollback` counts everything that will exist only in the backup, by
 * kind, and the counts match an independent query on the files before the
 * rollback (plain better-sqlite3, the archive ATTACHed). Two stories:
 * - carry-over with backfill of the real 20-column file, `runs close --stale`,
 *   one new run started and completed, one mechanism event recorded on a
 *   carried-over run;
 * - an archive migration of the real 18-column file, one new run with one
 *   resolution, then `migrate --carry-over-archive` (which renumbers the carried
 *   child ids, since the new run's row took the first one): only the new run
 *   exists only in the backup.
 * Child rows are compared by content, run by run (ids may be renumbered).
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, makeTempDir, plainAll, removeDir, runCli, V1_18, V1_20 } from './helpers.js';

const CHILD_TABLES = ['mechanism_usage', 'resolution_assignments', 'validations'];
const V2_FIELDS = [
  'fidelity_strategy_json',
  'fidelity_distribution',
  'actual_tokens_used',
  'token_budget_compliance',
  'fidelity_efficiency_score',
];

/** The 27 documented runs columns of schema v2. */
const V2_COLUMNS = [
  'run_id',
  'template_id',
  'created_at',
  'updated_at',
  'causal_mode',
  'goal',
  'origin_description',
  'entities_created',
  'timepoints_created',
  'training_examples',
  'cost_usd',
  'llm_calls',
  'tokens_used',
  'oxen_repo_url',
  'oxen_dataset_url',
  'error_message',
  'status',
  'portal_description',
  'portal_year',
  'origin_year',
  'backward_steps',
  'schema_version',
  ...V2_FIELDS,
];

let root: string;
let dir: string;
let db: string;
let expected: Record<string, unknown>;
/** Runs still `running` in the original file (closed as stale by the story). */
let stale: number;

/** What only the v2 database has, by kind, from the files (no runmeta code). */
function independentCounts(file: string, archive: string) {
  const conn = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    conn.prepare('ATTACH DATABASE ? AS arch').run(archive);
    const count = (sql: string) => Number((conn.prepare(sql).get() as { n: number }).n);
    const archived = (conn.prepare('PRAGMA arch.table_info(runs)').all() as { name: string }[]).map(
      (c) => c.name,
    );
    const columnsOf = (schema: 'main' | 'arch', table: string) =>
      (conn.prepare(`PRAGMA ${schema}.table_info("${table}")`).all() as { name: string }[]).map(
        (c) => c.name,
      );
    const activeColumns = (table: string) => columnsOf('main', table);
    /**
     * Child rows of carried-over runs with no archived row of the same content
     * (ids aside) left to match them, run by run: a multiset difference, each
     * row numbered among its identical twins.
     */
    const childRowsAdded = (table: string) => {
      const shared = columnsOf('main', table).filter(
        (c) => c !== 'id' && c !== 'run_id' && columnsOf('arch', table).includes(c),
      );
      const key = ['run_id', ...shared].map((c) => `"${c}"`).join(', ');
      const numbered = (schema: string) =>
        `SELECT ${key}, row_number() OVER (PARTITION BY ${key}) AS twin FROM ${schema}."${table}"`;
      return count(
        `SELECT count(*) AS n FROM (
           ${numbered('main')} WHERE run_id IN (SELECT run_id FROM main.runs WHERE schema_version = '1.0')
           EXCEPT ${numbered('arch')})`,
      );
    };
    // A carried-over run changed: a column it had in v1 differs, or a column v1
    // lacked (updated_at, summary...; not the v2 metrics, counted apart) got a value.
    const gained = activeColumns('runs').filter(
      (c) => !archived.includes(c) && c !== 'schema_version' && !V2_FIELDS.includes(c),
    );
    const differs = [
      ...archived.map((c) => `r."${c}" IS NOT a."${c}"`),
      ...gained.map((c) => `r."${c}" IS NOT NULL`),
    ].join(' OR ');
    return {
      newRuns: count("SELECT count(*) AS n FROM main.runs WHERE schema_version IS NOT '1.0'"),
      changedRuns: count(
        `SELECT count(*) AS n FROM main.runs r LEFT JOIN arch.runs a ON a.run_id = r.run_id
          WHERE r.schema_version = '1.0' AND (a.run_id IS NULL OR ${differs})`,
      ),
      runsWithV2Fields: count(
        `SELECT count(*) AS n FROM main.runs WHERE schema_version = '1.0'
          AND (${V2_FIELDS.map((c) => `${c} IS NOT NULL`).join(' OR ')})`,
      ),
      childRowsAdded: Object.fromEntries(CHILD_TABLES.map((t) => [t, childRowsAdded(t)])),
      // Every column the archive lacks (the caller drops the 27 runs columns of v2).
      extraColumns: activeColumns('runs').filter((c) => !archived.includes(c)),
      extraChildColumns: CHILD_TABLES.flatMap((t) =>
        columnsOf('main', t)
          .filter((c) => !columnsOf('arch', t).includes(c))
          .map((c) => `${t}.${c}`),
      ),
    };
  } finally {
    conn.close();
  }
}

/** The changes rollback should report, from the files alone. */
function expectedChanges(file: string, archive: string): Record<string, unknown> {
  const { extraColumns, extraChildColumns, ...rest } = independentCounts(file, archive);
  // The 27 documented v2 columns are expected; anything else beyond the archive's was added since.
  return {
    ...rest,
    columnsAdded: [
      ...extraColumns.filter((c) => !V2_COLUMNS.includes(c)).map((c) => `runs.${c}`),
      ...extraChildColumns,
    ],
  };
}

async function cli(args: string[], cwd = root) {
  const result = await runCli(args, { cwd });
  expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result;
}

beforeAll(async () => {
  root = makeTempDir('rollback-changes');
  dir = path.join(root, 'story');
  db = copyFixture(V1_20, dir);
  stale = Number(plainAll(db, "SELECT count(*) AS n FROM runs WHERE status = 'running'")[0]?.n);
  // A carried run still running takes an event (a finished one refuses it), then is closed.
  const carried = String(
    plainAll(db, "SELECT run_id FROM runs WHERE status = 'running' ORDER BY run_id LIMIT 1")[0]
      ?.run_id,
  );
  await cli(['--db', db, 'migrate', '--strategy', 'carry-over', '--backfill', '--yes']);
  await cli(['--db', db, 'record', 'mechanism', carried, 'M3', 'seed_knowledge']);
  await cli(['--db', db, 'runs', 'close', '--stale', '--older-than', '1d']);
  const started = await cli(['--db', db, 'start', '--template', 'board', '--mode', 'forward']);
  const runId = started.stdout.trim();
  await cli([
    '--db',
    db,
    'complete',
    runId,
    '--entities',
    '2',
    '--timepoints',
    '1',
    '--cost',
    '0.01',
    '--tokens',
    '900',
  ]);
  expected = expectedChanges(db, path.join(dir, 'runs_v1_archive.db'));
  // A second copy of the story for the text form (the CLI closed every connection).
  fs.cpSync(dir, path.join(root, 'story-text'), { recursive: true });
}, 120_000);
afterAll(() => removeDir(root));

describe('rollback after a carry-over, stale closes, a new run and a recorded event', () => {
  it('the story changed what it should (sanity of the independent counts)', () => {
    expect(stale).toBeGreaterThan(0);
    expect(expected).toMatchObject({
      newRuns: 1,
      // The run that took an event is one of the runs closed as stale.
      changedRuns: stale,
      childRowsAdded: { mechanism_usage: 1, resolution_assignments: 0, validations: 0 },
    });
    expect(expected.runsWithV2Fields).toBeGreaterThan(0);
  });

  it('--json reports the same counts as the independent query, and the warning', async () => {
    const result = await cli(['--db', db, '--json', 'rollback', '--yes'], dir);
    const output = JSON.parse(result.stdout);
    expect(output.changes).toMatchObject(expected);
    expect(output.changes.migratedAt).toEqual(expect.any(String));
    expect(output.warning).toContain('runs_v2_backup.db');
    expect(fs.existsSync(path.join(dir, 'runs_v2_backup.db'))).toBe(true);
  });

  it('the text form warns on stderr, naming each kind that is not zero with its count', async () => {
    const copy = path.join(root, 'story-text', 'runs.db');
    const result = await cli(['--db', copy, 'rollback', '--yes'], path.dirname(copy));
    const warning = result.stderr.split('\n').filter((line) => line.startsWith('warning: '));
    expect(warning).toHaveLength(1);
    const line = warning[0]!;
    expect(line).toContain(`only in ${path.join(root, 'story-text', 'runs_v2_backup.db')}`);
    expect(line).toContain('1 run started since the migration');
    expect(line).toContain(`${stale} carried-over runs changed since`);
    expect(line).toContain(`${expected.runsWithV2Fields} carried-over runs with v2 metrics`);
    expect(line).toContain('1 child row added to carried-over runs (mechanism_usage 1)');
    expect(line).not.toContain('column');
  });
});

describe('rollback after --carry-over-archive (carried child ids renumbered)', () => {
  let story: string;
  let file: string;
  let archive: string;
  let changes: Record<string, unknown>;

  beforeAll(async () => {
    story = path.join(root, 'carry-over-archive');
    file = copyFixture(V1_18, story);
    archive = path.join(story, 'runs_v1_archive.db');
    await cli(['--db', file, 'migrate', '--yes']);
    const started = await cli(['--db', file, 'start', '--template', 'board', '--mode', 'forward']);
    const runId = started.stdout.trim();
    await cli(['--db', file, 'record', 'resolution', runId, 'ceo', 'dialog', 'tp_001']);
    await cli(['--db', file, 'migrate', '--carry-over-archive', '--yes']);
    changes = expectedChanges(file, archive);
  }, 120_000);

  it('the story renumbered the carried rows (sanity of the setup)', () => {
    const ids = (db: string) =>
      plainAll(db, 'SELECT id FROM resolution_assignments ORDER BY id').map((r) => Number(r.id));
    const carried = plainAll(
      file,
      "SELECT a.id FROM resolution_assignments a JOIN runs r ON r.run_id = a.run_id WHERE r.schema_version = '1.0' ORDER BY a.id",
    ).map((r) => Number(r.id));
    expect(carried).toHaveLength(ids(archive).length);
    expect(carried).not.toEqual(ids(archive));
    expect(changes).toMatchObject({
      newRuns: 1,
      changedRuns: 0,
      runsWithV2Fields: 0,
      childRowsAdded: { mechanism_usage: 0, resolution_assignments: 0, validations: 0 },
      columnsAdded: [],
    });
  });

  it('--json counts only the new run, as the independent query does', async () => {
    const result = await cli(['--db', file, '--json', 'rollback', '--yes'], story);
    const output = JSON.parse(result.stdout);
    expect(output.changes).toMatchObject(changes);
    expect(output.warning).toBe(
      `only in ${path.join(story, 'runs_v2_backup.db')}: 1 run started since the migration`,
    );
  });
});
