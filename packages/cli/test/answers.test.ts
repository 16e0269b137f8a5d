/**
 * Issue 12, "every answer right": CSV that carries every column, times compared
 * as times, archive unions that count a run once, fidelity keys in any case and
 * tables of any size — each answer checked against a plain better-sqlite3 query
 * of the same files.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyFixture,
  lines,
  makeTempDir,
  parseCsv,
  plainAll,
  plainCount,
  plainRun,
  removeDir,
  runCli,
  V1_20,
  V2_32,
} from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = makeTempDir('answers');
});
afterAll(() => removeDir(dir));

const cli = (args: string[]) => runCli(args, { cwd: dir });

/** The documented v1 `runs` table, written by hand: 21 columns. */
const DOCUMENTED_V1 = `CREATE TABLE runs (run_id TEXT PRIMARY KEY, template_id TEXT, created_at TIMESTAMP,
  updated_at TIMESTAMP, causal_mode TEXT, goal TEXT, origin_description TEXT, entities_created INTEGER,
  timepoints_created INTEGER, training_examples INTEGER, cost_usd REAL, llm_calls INTEGER,
  tokens_used INTEGER, oxen_repo_url TEXT, oxen_dataset_url TEXT, error_message TEXT, status TEXT,
  portal_description TEXT, portal_year INTEGER, origin_year INTEGER, backward_steps INTEGER)`;

/** A documented v1 file with every column filled, plus one column runmeta does not know. */
function documentedV1(file: string, runs: number): void {
  const db = new BetterSqlite3(file);
  db.exec(DOCUMENTED_V1);
  db.exec('ALTER TABLE runs ADD COLUMN "lab note" TEXT');
  const insert = db.prepare(
    'INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  for (let i = 0; i < runs; i++) {
    insert.run(
      `doc_${i}`,
      `tpl_${i % 3}`,
      `2025-10-${String(10 + i).padStart(2, '0')} 09:00:0${i % 10}`,
      `2025-10-${String(10 + i).padStart(2, '0')}T10:00:00`,
      i % 2 ? 'portal' : 'forward',
      `goal, "quoted" ${i}`,
      `origin ${i}\nsecond line`,
      i + 1,
      i + 2,
      i,
      0.5 + i,
      3 * i,
      1000 * i,
      `https://oxen.example/repo/${i}`,
      `https://oxen.example/data/${i}`,
      i % 4 === 0 ? `error ${i}` : null,
      i % 4 === 0 ? 'failed' : 'completed',
      `portal ${i}`,
      2030 + i,
      1990 + i,
      i % 5,
      `note ${i}`,
    );
  }
  db.close();
}

/** snake_case SQL name → the SDK field name the CSV header uses. */
function fieldOf(column: string): string {
  const special: Record<string, string> = { fidelity_strategy_json: 'fidelityStrategy' };
  return special[column] ?? column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

describe('CSV carries every column a run has', () => {
  let db: string;
  beforeAll(async () => {
    db = path.join(dir, 'csv', 'runs.db');
    fs.mkdirSync(path.dirname(db), { recursive: true });
    documentedV1(db, 12);
    const migrated = await cli(['--db', db, 'migrate', '--strategy', 'carry-over', '--yes']);
    expect(migrated.code).toBe(0);
  });

  it.for([
    ['export --format csv', ['export', '--format', 'csv']],
    ['runs list --format csv', ['runs', 'list', '--format', 'csv']],
  ])('%s has one field per column of the runs table, each value as stored', async ([, args]) => {
    const result = await cli(['--db', db, ...(args as string[])]);
    expect(result.code).toBe(0);
    const [header, ...records] = parseCsv(result.stdout);
    const columns = plainAll(db, 'SELECT name FROM pragma_table_info(?)', ['runs']).map((r) =>
      String(r.name),
    );
    expect(columns).toHaveLength(28); // 27 documented + the unknown one
    const expected = columns.map((c) => (c === 'lab note' ? 'extra.lab note' : fieldOf(c)));
    expect([...header!].sort()).toEqual([...expected, 'source'].sort());
    const rows = plainAll(db, 'SELECT * FROM runs ORDER BY run_id');
    expect(records.map((r) => r[header!.indexOf('runId')]).sort()).toEqual(
      rows.map((r) => String(r.run_id)),
    );
    for (const record of records) {
      const row = rows.find((r) => r.run_id === record[header!.indexOf('runId')])!;
      for (const column of columns) {
        const cell = record[header!.indexOf(expected[columns.indexOf(column)]!)];
        const value = row[column];
        expect([column, cell]).toEqual([column, value === null ? '' : String(value)]);
      }
    }
  });
});

describe('times are compared as times', () => {
  let db: string;
  const stored = [
    '2025-11-01 12:00:45', // a space, as some tools write it
    '2025-11-01T00:00:00',
    '2025-10-31T23:59:59.999999',
    '2025-10-27 12:00:00',
    '2025-10-27T11:59:59',
    '2025-10-27T14:00:00+02:00', // 12:00 UTC
    '2025-10-28T01:00:00+03:00', // 10-27 22:00 UTC
    '2026-01-05T09:12:01.123Z',
  ];
  beforeAll(async () => {
    db = path.join(dir, 'times', 'runs.db');
    for (const [i] of stored.entries()) {
      const started = await cli([
        '--db',
        db,
        'start',
        '--template',
        't',
        '--mode',
        'forward',
        '--run-id',
        `r${i}`,
      ]);
      expect(started.code).toBe(0);
    }
    const plain = new BetterSqlite3(db);
    const update = plain.prepare('UPDATE runs SET created_at = ? WHERE run_id = ?');
    for (const [i, at] of stored.entries()) update.run(at, `r${i}`);
    plain.close();
  });

  /** Run ids created at or after `since`, by SQLite's own date functions on the file. */
  const independent = (since: string) =>
    plainAll(
      db,
      'SELECT run_id FROM runs WHERE julianday(created_at) >= julianday(?) ORDER BY julianday(created_at)',
      [since],
    ).map((r) => String(r.run_id));

  const listed = async (...args: string[]) => {
    const result = await cli(['--db', db, '--json', 'runs', 'list', ...args]);
    expect(result.code).toBe(0);
    return (JSON.parse(result.stdout) as { runId: string }[]).map((r) => r.runId);
  };

  it.for([
    '2025-11-01T00:00:00',
    '2025-11-01',
    '2025-10-27 12:00:00',
    '2025-10-27T12:00:00Z',
    '2025-10-27T14:00:00+02:00',
    '2025-10-31T23:59:59.9999',
  ])('--since %s matches the instants SQLite itself compares', async (since) => {
    expect(await listed('--since', since)).toEqual(independent(since));
  });

  it('one instant in three spellings gives one answer, and the list is in time order', async () => {
    const answers = await Promise.all(
      ['2025-10-27T14:00:00+02:00', '2025-10-27T12:00:00Z', '2025-10-27 12:00'].map((since) =>
        listed('--since', since),
      ),
    );
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(await listed()).toEqual(independent('0000-01-01'));
  });

  it.for(['2025-13-45', '2025-02-30', 'yesterday', '2025-11-01T24:00'])(
    '--since %s exits 2 naming the problem, like --where on created_at',
    async (since) => {
      for (const args of [
        ['--since', since],
        ['--where', `created_at >= '${since}'`],
      ]) {
        const result = await cli(['--db', db, 'runs', 'list', ...args]);
        expect(result.code).toBe(2);
        expect(result.stdout).toBe('');
        expect(result.stderr).toMatch(/^error: Invalid (--since|--where)/);
      }
    },
  );
});

describe('--where created and updated are the times runs are shown and sorted by', () => {
  // The deployed 32-column file has no created_at or updated_at: its runs'
  // times are started_at and completed_at, as the list and the dashboard show.
  let db: string;
  beforeAll(() => {
    db = copyFixture(V2_32, path.join(dir, 'derived-times'));
  });
  const listed = async (where: string) => {
    const result = await cli(['--db', db, '--json', 'runs', 'list', '--where', where]);
    expect(result.code, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as { runId: string }[]).map((r) => r.runId).sort();
  };
  const plain = (sql: string, params: unknown[] = []) =>
    plainAll(db, `SELECT run_id FROM runs WHERE ${sql}`, params)
      .map((r) => String(r.run_id))
      .sort();

  it("created >= '2025-12-20' finds the runs started since, where created_at finds none", async () => {
    const since = plain("julianday(started_at) >= julianday('2025-12-20')");
    expect(since.length).toBeGreaterThan(0);
    expect(await listed("created >= '2025-12-20'")).toEqual(since);
    expect(await listed("created_at >= '2025-12-20'")).toEqual([]);
    expect(await listed("updated < '2025-12-20' and created is not null")).toEqual(
      plain("julianday(completed_at) < julianday('2025-12-20')"),
    );
    expect(await listed('updated is null')).toEqual(plain('completed_at IS NULL'));
  });

  it('--sort updated orders by completed_at here, as the list shows it; runs without one last', async () => {
    const result = await cli(['--db', db, '--json', 'runs', 'list', '--sort', 'updated:asc']);
    expect(result.code, result.stderr).toBe(0);
    const order = (JSON.parse(result.stdout) as { runId: string }[]).map((r) => r.runId);
    const expected = plainAll(
      db,
      'SELECT run_id FROM runs ORDER BY completed_at IS NULL, julianday(completed_at), run_id',
    ).map((r) => String(r.run_id));
    expect(
      plainCount(db, 'SELECT count(*) AS n FROM runs WHERE completed_at IS NOT NULL'),
    ).toBeGreaterThan(1);
    expect(order).toEqual(expected);
  });

  it('takes a time only, and an unknown column lists created and updated first', async () => {
    const number = await cli(['--db', db, 'runs', 'list', '--where', 'created > 5']);
    expect(number.code).toBe(2);
    expect(number.stderr).toMatch(
      /^error: Invalid --where: created is a time: expected a quoted time/,
    );
    const typo = await cli(['--db', db, 'runs', 'list', '--where', "creatd > '2025-12-20'"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean created?');
    expect(typo.stderr).toContain(
      'Columns: created (created_at, else started_at), updated (updated_at, else completed_at), run_id',
    );
  });
});

describe('archive unions count a run once', () => {
  let db: string;
  let archive: string;
  beforeAll(async () => {
    db = copyFixture(V1_20, path.join(dir, 'union'));
    archive = path.join(dir, 'union', 'runs_v1_archive.db');
    const steps = [
      ['migrate', '--strategy', 'carry-over', '--backfill', '--yes'],
      ['runs', 'close', '--stale', '--older-than', '1d'],
    ];
    for (const step of steps) expect((await cli(['--db', db, ...step])).code).toBe(0);
  });

  /** Ids over active ∪ (archive − active), by one plain query with the archive attached. */
  const independent = (condition: string) => {
    const plain = new BetterSqlite3(db, { readonly: true });
    try {
      plain.prepare('ATTACH DATABASE ? AS old').run(archive);
      const active = plain.prepare(`SELECT run_id FROM main.runs WHERE ${condition}`).all();
      const archived = plain
        .prepare(
          `SELECT run_id FROM old.runs WHERE run_id NOT IN (SELECT run_id FROM main.runs) AND ${condition.replace('fidelity_distribution', 'NULL')}`,
        )
        .all();
      return [...active, ...archived].map((r) => String((r as { run_id: string }).run_id)).sort();
    } finally {
      plain.close();
    }
  };

  it.for([
    ['--status running', ['--status', 'running'], "status = 'running'"],
    ['--status failed', ['--status', 'failed'], "status = 'failed'"],
    [
      '--where "fidelity_distribution is null"',
      ['--where', 'fidelity_distribution is null'],
      'fidelity_distribution IS NULL',
    ],
  ])('runs list --include-archive %s', async ([, args, condition]) => {
    const result = await cli([
      '--db',
      db,
      '--json',
      'runs',
      'list',
      '--include-archive',
      ...(args as string[]),
    ]);
    expect(result.code).toBe(0);
    const ids = (JSON.parse(result.stdout) as { runId: string }[]).map((r) => r.runId).sort();
    expect(ids).toEqual(independent(condition as string));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('the report counts every run once, with the same totals as the file', async () => {
    const result = await cli(['--db', db, '--json', 'report', '--by', 'status']);
    const groups = JSON.parse(result.stdout).groups as { key: string; runs: number }[];
    const plain = plainAll(db, 'SELECT status AS key, count(*) AS runs FROM runs GROUP BY status');
    expect(Object.fromEntries(groups.map((g) => [g.key, g.runs]))).toEqual(
      Object.fromEntries(plain.map((g) => [g.key, g.runs])),
    );
  });
});

describe('fidelity levels match whatever their stored case', () => {
  let db: string;
  beforeAll(async () => {
    db = copyFixture(V2_32, path.join(dir, 'levels'));
    plainRun(
      db,
      `UPDATE runs SET fidelity_distribution = '{"DIALOG": 2, "Scene": 1}' WHERE rowid = (SELECT min(rowid) FROM runs);
       UPDATE runs SET fidelity_distribution = '{"dialog": 3}' WHERE rowid = (SELECT max(rowid) FROM runs);`,
    );
  });

  it('--where fidelity.dialog finds upper- and lower-case keys; inspect and report agree', async () => {
    const [first] = plainAll(db, 'SELECT run_id FROM runs ORDER BY rowid LIMIT 1');
    const [last] = plainAll(db, 'SELECT run_id FROM runs ORDER BY rowid DESC LIMIT 1');
    const result = await cli([
      '--db',
      db,
      '--json',
      'runs',
      'list',
      '--where',
      'fidelity.dialog >= 2',
    ]);
    expect(result.code).toBe(0);
    const ids = (JSON.parse(result.stdout) as { runId: string }[]).map((r) => r.runId).sort();
    // Independently: parse each stored distribution, summing keys that spell dialog in any case.
    const expected = plainAll(db, 'SELECT run_id, fidelity_distribution AS d FROM runs')
      .filter((r) => {
        let parsed: Record<string, number> = {};
        try {
          parsed = JSON.parse(String(r.d));
        } catch {}
        const dialog = Object.entries(parsed ?? {})
          .filter(([k]) => k.toLowerCase() === 'dialog')
          .reduce((sum, [, n]) => sum + n, 0);
        return dialog >= 2;
      })
      .map((r) => String(r.run_id))
      .sort();
    expect(ids).toEqual(expected);
    expect(ids).toContain(String(first!.run_id));
    expect(ids).toContain(String(last!.run_id));
    const inspect = await cli(['--db', db, 'inspect', String(first!.run_id)]);
    expect(inspect.stdout).toContain('DIALOG: 2 entities');
    expect(inspect.stdout).toContain('SCENE: 1 entities');
    const report = await cli(['--db', db, '--json', 'report', '--by', 'status']);
    const groups = JSON.parse(report.stdout).groups as { fidelity: Record<string, number> }[];
    const keys = new Set(groups.flatMap((g) => Object.keys(g.fidelity)));
    expect([...keys].every((k) => k === k.toLowerCase())).toBe(true);
  });

  it("--where status = 'FAILED' matches the failed runs; an unknown status names the valid ones", async () => {
    const failed = await cli([
      '--db',
      db,
      '--json',
      'runs',
      'list',
      '--where',
      "status = 'FAILED'",
    ]);
    const expected = plainAll(db, "SELECT count(*) AS n FROM runs WHERE status = 'failed'")[0]!.n;
    expect(JSON.parse(failed.stdout)).toHaveLength(Number(expected));
    expect(Number(expected)).toBeGreaterThan(0);
    const typo = await cli(['--db', db, 'runs', 'list', '--where', "status = 'faild'"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('one of running, completed, failed');
    const column = await cli(['--db', db, 'runs', 'list', '--where', 'stauts = 1']);
    expect(column.stderr).toContain('did you mean status?');
    expect(column.stderr).toContain('template_id');
    expect(lines(column.stderr).at(-1)).toMatch(/^\s+\^$/);
  });
});

describe('tables of any size', () => {
  let db: string;
  const RUNS = 130_000;
  beforeAll(async () => {
    db = path.join(dir, 'big', 'runs.db');
    const started = await cli(['--db', db, 'start', '--template', 't', '--mode', 'forward']);
    expect(started.code).toBe(0);
    const plain = new BetterSqlite3(db);
    const insert = plain.prepare(
      "INSERT INTO runs (run_id, template_id, created_at, causal_mode, status, cost_usd, tokens_used, schema_version) VALUES (?, ?, ?, 'forward', 'completed', 0.01, 100, '2.0')",
    );
    plain.transaction(() => {
      for (let i = 0; i < RUNS; i++) {
        const template = i === 7 ? `a_very_long_template_${'x'.repeat(200)}` : `tpl_${i % 5}`;
        insert.run(`bulk_${String(i).padStart(6, '0')}`, template, '2025-01-01T00:00:00');
      }
    })();
    plain.close();
  });

  it('streams every row with fixed widths and cuts long values with …', async () => {
    const result = await cli(['--db', db, 'runs', 'list']);
    expect(result.code).toBe(0);
    const rows = result.stdout.split('\n').filter((line) => line !== '');
    const total = Number(plainAll(db, 'SELECT count(*) AS n FROM runs')[0]!.n);
    expect(rows).toHaveLength(total + 2); // header, rule, one line per run
    expect(result.stderr).toContain(`${total} run(s)`);
    const long = rows.find((line) => line.includes('bulk_000007'))!;
    expect(long).toContain('a_very_long_template_xxx');
    expect(long).toContain('…');
    expect(long).not.toContain('x'.repeat(60));
    const widest = Math.max(...rows.slice(0, 1000).map((line) => line.length));
    expect(widest).toBeLessThan(200);
  });
});

describe('snapshots of v1 runs compute what v1 data allows', () => {
  let db: string;
  let archive: string;
  beforeAll(async () => {
    db = copyFixture(V1_20, path.join(dir, 'snapshot'));
    archive = path.join(dir, 'snapshot', 'runs_v1_archive.db');
    expect((await cli(['--db', db, 'migrate', '--yes'])).code).toBe(0);
  });

  /** The latest level of each entity, counted — from a plain read of the archive. */
  const distribution = (runId: string) => {
    const rows = plainAll(
      archive,
      'SELECT entity_id, resolution FROM resolution_assignments WHERE run_id = ? ORDER BY timestamp, id',
      [runId],
    );
    const latest = new Map(rows.map((r) => [String(r.entity_id), String(r.resolution)]));
    const counts: Record<string, number> = {};
    for (const level of latest.values())
      counts[level.toUpperCase()] = (counts[level.toUpperCase()] ?? 0) + 1;
    return counts;
  };

  it('an archived run with tokens and assignments shows efficiency and distribution, marked', async () => {
    const [run] = plainAll(
      archive,
      `SELECT run_id, entities_created AS e, timepoints_created AS t, tokens_used AS tokens FROM runs
       WHERE tokens_used > 0 AND run_id IN (SELECT run_id FROM resolution_assignments) ORDER BY rowid LIMIT 1`,
    );
    const result = await cli(['--db', db, 'inspect', String(run!.run_id)]);
    expect(result.code).toBe(0);
    const efficiency = (Number(run!.e) + Number(run!.t)) / Number(run!.tokens);
    expect(result.stdout).toContain(
      `Fidelity Efficiency: ${efficiency.toFixed(6)} quality/token (computed from v1 data)`,
    );
    for (const [level, count] of Object.entries(distribution(String(run!.run_id)))) {
      expect(result.stdout).toContain(`  ${level}: ${count} entities`);
    }
    expect(result.stdout).toContain('(computed from v1 resolution assignments)');
    expect(result.stdout).toContain('Token Budget Compliance: n/a (v1 run: not recorded)');
    expect(result.stdout).not.toContain('no tokens');
    const json = await cli(['--db', db, '--json', 'inspect', String(run!.run_id)]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      schemaVersion: '1.0',
      actualTokensUsed: Number(run!.tokens),
      derivedFromV1: expect.arrayContaining(['fidelityEfficiencyScore', 'fidelityDistribution']),
    });
  });

  it('says "v1 run: not recorded" only where the v1 data has nothing', async () => {
    // A run without assignments and without tokens.
    const [bare] = plainAll(
      archive,
      `SELECT run_id FROM runs WHERE tokens_used = 0
       AND run_id NOT IN (SELECT run_id FROM resolution_assignments) ORDER BY rowid LIMIT 1`,
    );
    const bareText = (await cli(['--db', db, 'inspect', String(bare!.run_id)])).stdout;
    expect(bareText).toContain('Fidelity Distribution (M1):\n  (v1 run: not recorded)');
    expect(bareText).toContain('Fidelity Efficiency: n/a (no tokens)');
    // A v1 row whose tokens were never written: nothing to compute from.
    plainRun(
      archive,
      `UPDATE runs SET tokens_used = NULL WHERE run_id = '${String(bare!.run_id)}'`,
    );
    const unknown = (await cli(['--db', db, 'inspect', String(bare!.run_id)])).stdout;
    expect(unknown).toContain('Fidelity Efficiency: n/a (v1 run: not recorded)');
  });
});

describe('status counts statuses as reads decode them', () => {
  it('a stored FAILED counts as failed', async () => {
    const db = copyFixture(V2_32, path.join(dir, 'status-case'));
    plainRun(db, "UPDATE runs SET status = 'FAILED' WHERE rowid = (SELECT min(rowid) FROM runs)");
    const result = await cli(['--db', db, '--json', 'status']);
    const counts = plainAll(
      db,
      'SELECT lower(status) AS status, count(*) AS n FROM runs GROUP BY lower(status)',
    );
    expect(JSON.parse(result.stdout).runsByStatus).toEqual(
      Object.fromEntries(counts.map((r) => [r.status, r.n])),
    );
  });
});
