/**
 * Check-style commands (exit 4 on failure), closing stale runs, reports, exports,
 * NO_COLOR and pipes, and `demo`, on the real 32-column file (migrated) and a demo folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANSI,
  type CliResult,
  copyFixture,
  lines,
  makeTempDir,
  parseCsv,
  plainAll,
  plainIds,
  removeDir,
  runCli,
  V1_20,
  V2_32,
} from './helpers.js';

let dir: string;
/** The 32-column file, migrated (repaired to the full v2 schema). */
let db: string;
/** The largest compliance value in the file. */
let maxCompliance: number;

beforeAll(async () => {
  dir = makeTempDir('checks');
  db = copyFixture(V2_32, path.join(dir, 'v2'));
  const result = await runCli(['--db', db, 'migrate', '--yes'], { cwd: dir });
  expect(result.code, result.stderr).toBe(0);
  maxCompliance = Number(plainAll(db, 'SELECT max(token_budget_compliance) AS m FROM runs')[0]?.m);
});
afterAll(() => removeDir(dir));

const cli = (args: string[], env?: Record<string, string | undefined>) =>
  runCli(['--db', db, ...args], { cwd: dir, env });

describe('budget check', () => {
  it('exits 4 and lists exactly the runs over budget', async () => {
    const over = plainIds(db, 'SELECT run_id FROM runs WHERE token_budget_compliance > 1');
    expect(over.length).toBeGreaterThan(0);
    const result = await cli(['budget', 'check']);
    expect(result.code).toBe(4);
    const listed = lines(result.stdout)
      .slice(2)
      .map((line) => line.split(/\s+/)[0]);
    expect(new Set(listed)).toEqual(new Set(over));
    expect(result.stderr).toContain(`${over.length} run(s) over`);
  });

  it('--json lists the runs over budget and still exits 4', async () => {
    const result = await cli(['--json', 'budget', 'check']);
    expect(result.code).toBe(4);
    const report = JSON.parse(result.stdout);
    expect(report.maxCompliance).toBe(1);
    const expected = plainAll(
      db,
      'SELECT count(*) AS n FROM runs WHERE token_budget_compliance > 1',
    );
    expect(report.overBudget).toHaveLength(Number(expected[0]?.n));
    for (const run of report.overBudget) expect(run.tokenBudgetCompliance).toBeGreaterThan(1);
  });

  it('--max-compliance 100 keeps only the runs above 100× budget', async () => {
    const over = plainIds(db, 'SELECT run_id FROM runs WHERE token_budget_compliance > 100');
    const result = await cli(['--json', 'budget', 'check', '--max-compliance', '100']);
    expect(result.code).toBe(over.length ? 4 : 0);
    const report = JSON.parse(result.stdout);
    expect(new Set(report.overBudget.map((r: { runId: string }) => r.runId))).toEqual(
      new Set(over),
    );
  });

  it('exits 0 when --max-compliance is above every run', async () => {
    const limit = String(Math.ceil(maxCompliance) + 1);
    const result = await cli(['budget', 'check', '--max-compliance', limit]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^No run over/);
  });

  it('rejects a --max-compliance that is not a number with exit 2', async () => {
    const result = await cli(['budget', 'check', '--max-compliance', 'lots']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('--max-compliance');
  });
});

describe('report', () => {
  it('--by mode prints bar characters and a Total line', async () => {
    const result = await cli(['report', '--by', 'mode']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('█');
    expect(result.stdout).toMatch(/^Total: 110 runs, \$[\d.]+, [\d,]+ tokens, \d+ over budget$/m);
    expect(result.stdout).toContain('Fidelity totals');
  });

  it('--by mode --json gives groups that add up to every run', async () => {
    const result = await cli(['--json', 'report', '--by', 'mode']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    const groups = summary.groups as { key: string; runs: number; overBudget: number }[];
    expect(Array.isArray(groups)).toBe(true);
    expect(summary.by).toBe('mode');
    expect(summary.totals.runs).toBe(110);
    expect(groups.reduce((n, g) => n + g.runs, 0)).toBe(110);
    const modes = plainAll(db, 'SELECT causal_mode AS k, count(*) AS n FROM runs GROUP BY 1');
    expect(Object.fromEntries(groups.map((g) => [g.key, g.runs]))).toEqual(
      Object.fromEntries(modes.map((row) => [row.k, row.n])),
    );
    const over = plainAll(db, 'SELECT count(*) AS n FROM runs WHERE token_budget_compliance > 1');
    expect(groups.reduce((n, g) => n + g.overBudget, 0)).toBe(over[0]?.n);
  });

  it('--by status and --by template work too', async () => {
    for (const by of ['status', 'template']) {
      const result = await cli(['--json', 'report', '--by', by]);
      expect(result.code).toBe(0);
      const groups = JSON.parse(result.stdout).groups as { runs: number }[];
      expect(groups.reduce((n, g) => n + g.runs, 0)).toBe(110);
    }
  });
});

describe('export', () => {
  it('--format jsonl --out <file> writes one line per run and nothing on stdout', async () => {
    const out = path.join(dir, 'runs.jsonl');
    const result = await cli(['export', '--format', 'jsonl', '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const rows = fs.readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(rows).toHaveLength(110);
    const ids = rows.map((row) => JSON.parse(row).runId);
    expect(new Set(ids)).toEqual(new Set(plainIds(db, 'SELECT run_id FROM runs')));
  });

  it('--out reports on stderr with one line and no warnings', async () => {
    const out = path.join(dir, 'again.jsonl');
    const result = await cli(['export', '--format', 'jsonl', '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('Warning');
    expect(lines(result.stderr)).toEqual([`110 run(s) written to ${out}`]);
  });

  it('--format csv to stdout prints a header and one record per run', async () => {
    const result = await cli(['export', '--format', 'csv']);
    expect(result.code).toBe(0);
    const records = parseCsv(result.stdout);
    expect(records[0]?.[0]).toBe('runId');
    expect(records).toHaveLength(111);
    for (const record of records) expect(record).toHaveLength(records[0]!.length);
  });

  it('--format jsonl to stdout prints one JSON object per line', async () => {
    const result = await cli(['export']);
    expect(result.code).toBe(0);
    const rows = result.stdout.trimEnd().split('\n');
    expect(rows).toHaveLength(110);
    for (const row of rows) expect(JSON.parse(row)).toHaveProperty('runId');
  });
});

describe('runs close --stale', () => {
  it('needs --stale and --older-than (exit 2), and a valid duration', async () => {
    for (const args of [
      ['runs', 'close'],
      ['runs', 'close', '--stale', '--older-than', 'soon'],
    ]) {
      const result = await cli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
    }
  });

  it('--older-than 1d closes the 18 running runs as failed', async () => {
    const running = plainIds(db, "SELECT run_id FROM runs WHERE status = 'running'");
    expect(running).toHaveLength(18);
    const result = await cli(['runs', 'close', '--stale', '--older-than', '1d']);
    expect(result.code, result.stderr).toBe(0);
    expect(new Set(lines(result.stdout))).toEqual(new Set(running));
    expect(result.stderr).toContain('18 stale run(s) closed');
    const status = await cli(['--json', 'status']);
    expect(status.code).toBe(0);
    const report = JSON.parse(status.stdout);
    expect(report.runsByStatus.running ?? 0).toBe(0);
    expect(plainAll(db, "SELECT count(*) AS n FROM runs WHERE status = 'running'")[0]?.n).toBe(0);
    const failed = plainIds(db, "SELECT run_id FROM runs WHERE status = 'failed'");
    for (const id of running) expect(failed).toContain(id);
  });

  it('a second pass closes nothing', async () => {
    const result = await cli(['--json', 'runs', 'close', '--stale', '--older-than', '1d']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });
});

describe('NO_COLOR and pipes', () => {
  /** Commands whose output would be coloured on a terminal (data, messages and errors). */
  const commands = [
    ['status'],
    ['runs', 'list', '--status', 'failed', '--limit', '5'],
    ['budget', 'check'],
    ['report', '--by', 'status'],
    ['runs', 'show', 'run_missing'],
    ['runs', 'list', '--where', 'nope = 1'],
  ];

  const noAnsi = (result: CliResult, label: string) => {
    expect(result.stdout.includes(ANSI), `${label}: ANSI on stdout`).toBe(false);
    expect(result.stderr.includes(ANSI), `${label}: ANSI on stderr`).toBe(false);
  };

  it('with NO_COLOR=1 no ANSI escape appears anywhere, even when colour is forced', async () => {
    for (const args of commands) {
      const result = await cli(args, {
        NO_COLOR: '1',
        FORCE_COLOR: '1',
        TERM: 'xterm-256color',
      });
      noAnsi(result, args.join(' '));
    }
  });

  it('piped output has no colours and no progress bar, even without NO_COLOR', async () => {
    const folder = path.join(dir, 'piped');
    const v1 = copyFixture(V1_20, folder);
    const migrate = await runCli(['--db', v1, 'migrate', '--yes'], {
      cwd: dir,
      env: { NO_COLOR: undefined, TERM: 'xterm-256color' },
    });
    expect(migrate.code).toBe(0);
    noAnsi(migrate, 'migrate');
    expect(migrate.stderr).not.toContain('\r');
    expect(migrate.stderr).not.toMatch(/\[[#.]+\]/);
    for (const args of commands.slice(0, 3)) {
      noAnsi(await cli(args, { NO_COLOR: undefined, TERM: 'xterm-256color' }), args.join(' '));
    }
  });
});

describe('demo', () => {
  it('--dir <tmp> --runs 50 builds, migrates and shows status, a report and one run', async () => {
    const folder = path.join(dir, 'demo');
    const result = await runCli(['demo', '--dir', folder, '--runs', '50'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Schema version\s+2\.0/);
    expect(result.stdout).toMatch(/Archive\s+.*runs_v1_archive\.db.*50 runs/);
    expect(result.stdout).toContain('█');
    expect(result.stdout).toMatch(/^Total: \d+ runs/m);
    expect(result.stdout).toContain('Fidelity Distribution (M1):');
    expect(result.stdout).toMatch(/Token Budget Compliance: [✓⚠] \d+\.\d%/);
    expect(result.stdout).toMatch(/Fidelity Efficiency: \d+\.\d{6} quality\/token/);
    expect(result.stdout.includes(ANSI)).toBe(false);
    const active = path.join(folder, 'metadata', 'runs.db');
    const archive = path.join(folder, 'metadata', 'runs_v1_archive.db');
    expect(fs.existsSync(active)).toBe(true);
    expect(fs.existsSync(archive)).toBe(true);
    expect(plainAll(archive, 'SELECT count(*) AS n FROM runs')[0]?.n).toBe(50);
    expect(Number(plainAll(active, 'SELECT count(*) AS n FROM runs')[0]?.n)).toBeGreaterThan(0);
  });
});
