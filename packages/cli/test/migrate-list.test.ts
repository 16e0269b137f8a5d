/**
 * `migrate` (dry run, carry-over with backfill, archive) and `runs list` / `runs show` /
 * `status` / `report` on the migrated real 20-column file, checked against a plain
 * better-sqlite3 read of the same file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyFixture,
  lines,
  makeTempDir,
  parseCsv,
  plainAll,
  plainIds,
  removeDir,
  runCli,
  snapshotDir,
  V1_18,
  V1_20,
} from './helpers.js';

const MIGRATE_KEYS = ['archivePath', 'dryRun', 'from', 'runsCarried', 'steps', 'strategy', 'to'];
const RUN_KEYS = [
  'runId',
  'templateId',
  'causalMode',
  'status',
  'costUsd',
  'tokensUsed',
  'tokenBudgetCompliance',
  'fidelityDistribution',
  'fidelityEfficiencyScore',
  'schemaVersion',
  'source',
];

let dir: string;
afterAll(() => removeDir(dir));
beforeAll(() => {
  dir = makeTempDir('migrate-list');
});

describe('migrate --dry-run', () => {
  it('prints the plan and changes nothing (bytes and directory listing)', async () => {
    const folder = path.join(dir, 'dry');
    const db = copyFixture(V1_20, folder);
    const before = snapshotDir(folder);
    const text = await runCli(['--db', db, 'migrate', '--dry-run'], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('runs_v1_archive.db');
    expect(text.stdout).toMatch(/CREATE TABLE/);
    const json = await runCli(
      ['--db', db, '--json', 'migrate', '--dry-run', '--strategy', 'carry-over', '--backfill'],
      { cwd: dir },
    );
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout);
    expect(Object.keys(plan)).toEqual(expect.arrayContaining(MIGRATE_KEYS));
    expect(plan).toMatchObject({
      strategy: 'carry-over',
      from: '1.0',
      to: '2.0',
      runsCarried: 0,
      dryRun: true,
    });
    expect(plan.archivePath).toMatch(/runs_v1_archive\.db$/);
    expect(plan.steps.length).toBeGreaterThan(0);
    expect(snapshotDir(folder)).toEqual(before);
  });
});

describe.concurrent('migrate --strategy carry-over --backfill on the 20-column file', () => {
  let db: string;
  let archive: string;
  let migration: Record<string, unknown>;
  /** Run ids, oldest first (creation time = created_at, else started_at). */
  let oldestFirst: string[];

  beforeAll(async () => {
    db = copyFixture(V1_20, path.join(dir, 'carry'));
    archive = path.join(dir, 'carry', 'runs_v1_archive.db');
    const result = await runCli(
      ['--db', db, '--json', 'migrate', '--strategy', 'carry-over', '--backfill', '--yes'],
      { cwd: dir },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    migration = JSON.parse(result.stdout);
    oldestFirst = plainIds(
      db,
      'SELECT run_id FROM runs ORDER BY coalesce(created_at, started_at), run_id',
    );
  });

  const list = async (...args: string[]) => {
    const result = await runCli(['--db', db, 'runs', 'list', ...args], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    return result;
  };
  const listJson = async (...args: string[]) => {
    const result = await list('--format', 'json', ...args);
    return JSON.parse(result.stdout) as Record<string, unknown>[];
  };
  const ids = (runs: Record<string, unknown>[]) => runs.map((run) => String(run.runId));

  it('--json reports the migration: 393 runs carried, archive path, steps', () => {
    expect(Object.keys(migration)).toEqual(expect.arrayContaining(MIGRATE_KEYS));
    expect(migration).toMatchObject({
      strategy: 'carry-over',
      from: '1.0',
      to: '2.0',
      runsCarried: 393,
      dryRun: false,
    });
    expect(String(migration.archivePath)).toMatch(/runs_v1_archive\.db$/);
    expect(Array.isArray(migration.steps)).toBe(true);
  });

  it('left the v1 runs in the archive and carried every one into v2', () => {
    expect(fs.existsSync(archive)).toBe(true);
    expect(plainAll(archive, 'SELECT count(*) AS n FROM runs')[0]?.n).toBe(393);
    expect(plainAll(db, 'SELECT count(*) AS n FROM runs')[0]?.n).toBe(393);
    expect(plainAll(db, "SELECT count(*) AS n FROM runs WHERE schema_version = '1.0'")[0]?.n).toBe(
      393,
    );
  });

  it('status --json has the documented shape and exits 0', async () => {
    const result = await runCli(['--db', db, '--json', 'status'], { cwd: dir });
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout);
    expect(Object.keys(status)).toEqual(
      expect.arrayContaining(['schemaVersion', 'runsColumns', 'runs', 'archive', 'integrity']),
    );
    expect(status.schemaVersion).toBe('2.0');
    expect(status.runsColumns).toBe(plainAll(db, 'PRAGMA table_info(runs)').length);
    expect(status.runs).toBe(393);
    // The integrity check reads everything: only `status --check` runs it.
    expect(status.integrity).toBeNull();
    expect(Object.keys(status.archive).sort()).toEqual(['path', 'runs', 'schemaVersion']);
    expect(status.archive).toMatchObject({ schemaVersion: '1.0', runs: 393 });
    expect(status.archive.path).toMatch(/runs_v1_archive\.db$/);
  });

  it('status --check --json runs the integrity checks of the database and its archive', async () => {
    const result = await runCli(['--db', db, '--json', 'status', '--check'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const status = JSON.parse(result.stdout);
    expect(status.integrity).toBe(plainAll(db, 'PRAGMA integrity_check')[0]?.integrity_check);
    expect(status.integrity).toBe('ok');
    expect(status.archive).toMatchObject({ runs: 393, integrity: 'ok' });
    const text = await runCli(['--db', db, 'status', '--check'], { cwd: dir });
    expect(text.stdout).toContain('Integrity      ok');
    expect(text.stdout).toMatch(
      /Archive {8}\S+runs_v1_archive\.db \(schema 1\.0, 393 runs, integrity ok\)/,
    );
  });

  it('runs list --include-archive --format json returns the 393 runs with SDK names', async () => {
    const runs = await listJson('--include-archive');
    expect(runs).toHaveLength(393);
    expect(new Set(ids(runs))).toEqual(new Set(oldestFirst));
    for (const run of runs) {
      expect(Object.keys(run)).toEqual(expect.arrayContaining(RUN_KEYS));
      expect(['active', 'archive']).toContain(run.source);
      expect(run).not.toHaveProperty('run_id');
      expect(run).not.toHaveProperty('token_budget_compliance');
    }
  });

  it('lists runs oldest first by default', async () => {
    expect(ids(await listJson())).toEqual(oldestFirst);
  });

  it('--json is the same as --format json, and stdout holds only the JSON', async () => {
    const result = await runCli(['--db', db, '--json', 'runs', 'list', '--limit', '7'], {
      cwd: dir,
    });
    expect(result.code).toBe(0);
    expect(ids(JSON.parse(result.stdout))).toEqual(oldestFirst.slice(0, 7));
    expect(result.stdout.trim().startsWith('[')).toBe(true);
    expect(result.stdout.trim().endsWith(']')).toBe(true);
  });

  it('--format csv prints a header and one record per run', async () => {
    const result = await list('--include-archive', '--format', 'csv');
    const records = parseCsv(result.stdout);
    const header = records[0]!;
    expect(header.slice(0, 3)).toEqual(['runId', 'source', 'templateId']);
    expect(header).toEqual(expect.arrayContaining(['tokenBudgetCompliance', 'causalMode']));
    expect(records).toHaveLength(394);
    for (const record of records) expect(record).toHaveLength(header.length);
    expect(records.slice(1).map((r) => r[0])).toEqual(oldestFirst);
    const costs = plainAll(db, 'SELECT run_id, cost_usd FROM runs');
    const cost = new Map(costs.map((row) => [row.run_id, row.cost_usd]));
    const costColumn = header.indexOf('costUsd');
    for (const record of records.slice(1)) {
      expect(Number(record[costColumn])).toBe(cost.get(record[0]));
    }
  });

  it('--format jsonl prints one JSON object per line', async () => {
    const result = await list('--include-archive', '--format', 'jsonl');
    const rows = result.stdout.trimEnd().split('\n');
    expect(rows).toHaveLength(393);
    const parsed = rows.map((row) => JSON.parse(row) as Record<string, unknown>);
    for (const run of parsed) {
      expect(run).toBeTypeOf('object');
      expect(Object.keys(run)).toEqual(expect.arrayContaining(RUN_KEYS));
    }
    expect(ids(parsed)).toEqual(oldestFirst);
  });

  it('the table format prints a header, one row per run, and the count on stderr', async () => {
    const result = await list('--limit', '12');
    const rows = lines(result.stdout);
    expect(rows[0]).toMatch(/^run_id\s+template\s+mode\s+status/);
    expect(rows).toHaveLength(2 + 12);
    expect(rows[2]).toContain(oldestFirst[0]);
    expect(result.stderr).toContain('12 run(s)');
  });

  it('--limit keeps the first n runs', async () => {
    expect(ids(await listJson('--limit', '5'))).toEqual(oldestFirst.slice(0, 5));
    expect(await listJson('--limit', '0')).toEqual([]);
  });

  it('--sort newest --limit 3 gives the three latest runs', async () => {
    const expected = plainIds(
      db,
      'SELECT run_id FROM runs ORDER BY coalesce(created_at, started_at) DESC LIMIT 3',
    );
    expect(ids(await listJson('--sort', 'newest', '--limit', '3'))).toEqual(expected);
  });

  it('--sort cost orders by cost, highest first', async () => {
    const runs = await listJson('--sort', 'cost', '--limit', '10');
    const costs = runs.map((run) => Number(run.costUsd));
    expect(costs).toEqual([...costs].sort((a, b) => b - a));
    const max = plainAll(db, 'SELECT max(cost_usd) AS m FROM runs')[0]?.m;
    expect(costs[0]).toBe(max);
  });

  it('--status failed returns exactly the failed runs', async () => {
    const expected = plainIds(db, "SELECT run_id FROM runs WHERE status = 'failed'");
    expect(expected).toHaveLength(44);
    expect(new Set(ids(await listJson('--status', 'failed')))).toEqual(new Set(expected));
  });

  it('--mode pearl returns exactly the pearl runs (a deployed, undocumented mode)', async () => {
    const expected = plainIds(db, "SELECT run_id FROM runs WHERE causal_mode = 'pearl'");
    expect(expected.length).toBeGreaterThan(0);
    const runs = await listJson('--mode', 'pearl');
    expect(new Set(ids(runs))).toEqual(new Set(expected));
    expect(runs.every((run) => run.causalMode === 'pearl')).toBe(true);
  });

  it('--template returns exactly that template', async () => {
    const expected = plainIds(db, "SELECT run_id FROM runs WHERE template_id = 'hospital_crisis'");
    expect(expected.length).toBeGreaterThan(0);
    expect(new Set(ids(await listJson('--template', 'hospital_crisis')))).toEqual(
      new Set(expected),
    );
  });

  it('--where "fidelity.trained >= 2" matches the backfilled distributions', async () => {
    const expected = plainIds(
      db,
      "SELECT run_id FROM runs WHERE json_extract(fidelity_distribution, '$.trained') >= 2",
    );
    expect(expected.length).toBeGreaterThan(0);
    const runs = await listJson('--where', 'fidelity.trained >= 2');
    expect(new Set(ids(runs))).toEqual(new Set(expected));
    for (const run of runs) {
      expect((run.fidelityDistribution as Record<string, number>).trained).toBeGreaterThanOrEqual(
        2,
      );
    }
  });

  it('--where accepts SQL and SDK column names and combines with the other filters', async () => {
    const expected = plainIds(
      db,
      "SELECT run_id FROM runs WHERE cost_usd > 0.1 AND status = 'completed'",
    );
    expect(expected.length).toBeGreaterThan(0);
    const snake = await listJson('--where', "cost_usd > 0.1 and status = 'completed'");
    const camel = await listJson('--status', 'completed', '--where', 'costUsd > 0.1');
    expect(new Set(ids(snake))).toEqual(new Set(expected));
    expect(ids(camel)).toEqual(ids(snake));
  });

  it('--since keeps runs created at or after the time (started_at for v1 runs)', async () => {
    const expected = plainIds(
      db,
      "SELECT run_id FROM runs WHERE coalesce(created_at, started_at) >= '2025-10-29' " +
        'ORDER BY coalesce(created_at, started_at)',
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(393);
    expect(ids(await listJson('--since', '2025-10-29'))).toEqual(expected);
  });

  it('runs show <id> --json has the run and its carried-over child rows', async () => {
    const [busiest] = plainAll(
      db,
      'SELECT run_id, count(*) AS n FROM mechanism_usage GROUP BY run_id ORDER BY n DESC LIMIT 1',
    );
    const runId = String(busiest?.run_id);
    const result = await runCli(['--db', db, '--json', 'runs', 'show', runId], { cwd: dir });
    expect(result.code).toBe(0);
    const shown = JSON.parse(result.stdout);
    expect(shown.run.runId).toBe(runId);
    expect(shown.mechanisms).toHaveLength(Number(busiest?.n));
    const resolutions = plainAll(
      db,
      'SELECT count(*) AS n FROM resolution_assignments WHERE run_id = ?',
      [runId],
    )[0]?.n;
    expect(shown.resolutions).toHaveLength(Number(resolutions));
    expect(Array.isArray(shown.validations)).toBe(true);
  });

  it('runs show <id> (text) prints field names and values', async () => {
    const runId = oldestFirst[0]!;
    const result = await runCli(['--db', db, 'runs', 'show', runId], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^runId\\s+${runId}$`, 'm'));
    // The child records follow in sections (detail.test.ts checks their content).
    expect(result.stdout).toMatch(/^Mechanism events( \(\d+\):|: none)$/m);
    expect(result.stdout).toMatch(/^Resolution assignments( \(\d+\):|: none)$/m);
  });

  it('report --by mode prints bars and a Total line over every run', async () => {
    const result = await runCli(['--db', db, 'report', '--by', 'mode'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('█');
    expect(result.stdout).toMatch(/^Total: 393 runs, \$[\d.]+, [\d,]+ tokens, \d+ over budget$/m);
    for (const row of plainAll(db, 'SELECT DISTINCT causal_mode FROM runs')) {
      expect(result.stdout).toContain(String(row.causal_mode));
    }
  });

  it('report --by mode --json has groups matching the database', async () => {
    const result = await runCli(['--db', db, '--json', 'report', '--by', 'mode'], { cwd: dir });
    expect(result.code).toBe(0);
    const groups = JSON.parse(result.stdout).groups as Record<string, unknown>[];
    expect(Array.isArray(groups)).toBe(true);
    const expected = plainAll(db, 'SELECT causal_mode AS k, count(*) AS n FROM runs GROUP BY 1');
    expect(Object.fromEntries(groups.map((g) => [g.key, g.runs]))).toEqual(
      Object.fromEntries(expected.map((row) => [row.k, row.n])),
    );
    for (const group of groups) {
      expect(Object.keys(group)).toEqual(
        expect.arrayContaining([
          'key',
          'runs',
          'byStatus',
          'costUsd',
          'tokens',
          'llmCalls',
          'overBudget',
          'compliance',
          'fidelity',
        ]),
      );
    }
  });
});

describe('archive strategy: runs list --include-archive', () => {
  it('lists the archived runs with source "archive" only when asked', async () => {
    const folder = path.join(dir, 'archive');
    const db = copyFixture(V1_18, folder);
    const migrated = await runCli(['--db', db, '--json', 'migrate', '--yes'], { cwd: dir });
    expect(migrated.code).toBe(0);
    expect(JSON.parse(migrated.stdout)).toMatchObject({ strategy: 'archive', runsCarried: 0 });
    const active = await runCli(['--db', db, '--json', 'runs', 'list'], { cwd: dir });
    expect(JSON.parse(active.stdout)).toEqual([]);
    const both = await runCli(['--db', db, '--json', 'runs', 'list', '--include-archive'], {
      cwd: dir,
    });
    const runs = JSON.parse(both.stdout) as Record<string, unknown>[];
    expect(runs).toHaveLength(9);
    expect(runs.every((run) => run.source === 'archive')).toBe(true);
    expect(new Set(runs.map((run) => run.runId))).toEqual(
      new Set(plainIds(path.join(folder, 'runs_v1_archive.db'), 'SELECT run_id FROM runs')),
    );
  });
});
