/**
 * Issue 15, "every question in SQL": `runs count`, `runs list --sort … --limit`
 * and `report` give the answers of plain better-sqlite3 queries on untouched
 * copies — on every shared fixture (the v1 ones through the archive union after
 * migrating) and on a generated 200,000-run file, which `runs list` also
 * streams whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyFixture,
  makeTempDir,
  plainAll,
  plainCount,
  removeDir,
  runCli,
  V1_18,
  V1_20,
  V2_32,
} from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = makeTempDir('questions');
});
afterAll(() => removeDir(dir));

const cli = (args: string[]) => runCli(args, { cwd: dir });

/** The top `n` run ids by cost, missing costs last, as plain SQL orders them. */
function plainTop(file: string, n: number, direction: 'ASC' | 'DESC'): string[] {
  const having = plainAll(
    file,
    `SELECT run_id FROM runs WHERE cost_usd IS NOT NULL ORDER BY cost_usd ${direction}, run_id ${direction} LIMIT ?`,
    [n],
  );
  const missing = plainAll(
    file,
    `SELECT run_id FROM runs WHERE cost_usd IS NULL ORDER BY run_id ${direction} LIMIT ?`,
    [n - having.length],
  );
  return [...having, ...missing].map((r) => String(r.run_id));
}

/** Runs and cost per template, from a plain GROUP BY. */
function plainTemplates(file: string): Record<string, [number, number]> {
  const rows = plainAll(
    file,
    'SELECT template_id AS k, count(*) AS n, total(cost_usd) AS cost FROM runs GROUP BY template_id',
  );
  return Object.fromEntries(rows.map((r) => [String(r.k), [Number(r.n), Number(r.cost)]]));
}

interface Group {
  key: string | null;
  runs: number;
  costUsd: number;
  compliance: { median: number | null; p90: number | null };
  fidelity: Record<string, number>;
}

/** Each question on `db` (with `extra` flags) against the plain answers of `plain`. */
async function expectPlainAnswers(db: string, plain: string, extra: string[]): Promise<void> {
  const count = await cli(['--db', db, 'runs', 'count', ...extra]);
  expect(count.code, count.stderr).toBe(0);
  expect(Number(count.stdout)).toBe(plainCount(plain, 'SELECT count(*) AS n FROM runs'));
  const where = "status = 'completed' and cost_usd > 0";
  const counted = await cli(['--db', db, '--json', 'runs', 'count', '--where', where, ...extra]);
  expect(JSON.parse(counted.stdout)).toEqual({
    runs: plainCount(plain, `SELECT count(*) AS n FROM runs WHERE ${where}`),
  });
  for (const direction of ['desc', 'asc'] as const) {
    const top = await cli([
      '--db',
      db,
      '--json',
      'runs',
      'list',
      '--sort',
      `cost:${direction}`,
      '--limit',
      '10',
      ...extra,
    ]);
    expect(top.code, top.stderr).toBe(0);
    const ids = (JSON.parse(top.stdout) as { runId: string }[]).map((r) => r.runId);
    expect(ids).toEqual(plainTop(plain, 10, direction === 'desc' ? 'DESC' : 'ASC'));
  }
  const report = await cli(['--db', db, '--json', 'report', '--by', 'template', ...extra]);
  expect(report.code, report.stderr).toBe(0);
  const summary = JSON.parse(report.stdout) as { groups: Group[]; totals: Group };
  const templates = plainTemplates(plain);
  expect(summary.groups.map((g) => String(g.key)).sort()).toEqual(Object.keys(templates).sort());
  for (const g of summary.groups) {
    const [runs, cost] = templates[String(g.key)]!;
    expect(g.runs).toBe(runs);
    expect(g.costUsd).toBeCloseTo(cost, 6);
  }
  expect(summary.totals.runs).toBe(plainCount(plain, 'SELECT count(*) AS n FROM runs'));
}

describe('every fixture answers as plain SQL does', () => {
  it('the v2 fixture, as it is', async () => {
    const db = copyFixture(V2_32, path.join(dir, 'v2'));
    const plain = copyFixture(V2_32, path.join(dir, 'v2-plain'));
    await expectPlainAnswers(db, plain, []);
  });

  it.each([V1_20, V1_18])('%s after migrating, through the archive union', async (fixture) => {
    const db = copyFixture(fixture, path.join(dir, fixture));
    const plain = copyFixture(fixture, path.join(dir, `${fixture}-plain`));
    const migrated = await cli(['--db', db, 'migrate', '--yes']);
    expect(migrated.code, migrated.stderr).toBe(0);
    await expectPlainAnswers(db, plain, ['--include-archive']);
    // Without the archive the active database alone answers: it holds no run yet.
    const active = await cli(['--db', db, 'runs', 'count']);
    expect(active.stdout.trim()).toBe('0');
  });
});

describe('a generated 200,000-run file answers as plain SQL does', () => {
  const RUNS = 200_000;
  let db: string;
  let plain: string;
  beforeAll(async () => {
    db = path.join(dir, 'big', 'runs.db');
    const started = await cli(['--db', db, 'start', '--template', 't', '--mode', 'forward']);
    expect(started.code, started.stderr).toBe(0);
    const file = new BetterSqlite3(db);
    const insert = file.prepare(
      `INSERT INTO runs (run_id, template_id, created_at, causal_mode, status, cost_usd, tokens_used,
         token_budget_compliance, fidelity_distribution, schema_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '2.0')`,
    );
    const statuses = ['completed', 'completed', 'completed', 'failed', 'running'];
    const modes = ['forward', 'portal', 'directorial', 'pearl'];
    file.transaction(() => {
      for (let i = 0; i < RUNS; i++) {
        const day = new Date(Date.UTC(2025, 0, 1) + (i % 365) * 86_400_000 + (i % 86_400) * 1000);
        insert.run(
          `gen_${String(i).padStart(7, '0')}`,
          `tpl_${(i * 7) % 13}`,
          day.toISOString().slice(0, 19),
          modes[i % modes.length],
          statuses[i % statuses.length],
          i % 97 === 0 ? null : ((i * 7919) % 10_000) / 1000,
          (i * 31) % 50_000,
          i % 11 === 0 ? null : ((i * 104_729) % 3000) / 1000,
          `{"dialog": ${i % 3}, "scene": ${i % 5}}`,
        );
      }
    })();
    file.close();
    plain = path.join(dir, 'big-plain.db');
    fs.copyFileSync(db, plain);
  }, 120_000);

  it('count, top ten either way, and the report by template', async () => {
    await expectPlainAnswers(db, plain, []);
  }, 120_000);

  it('the report by month and its compliance percentiles', async () => {
    const result = await cli(['--db', db, '--json', 'report', '--by', 'month']);
    expect(result.code, result.stderr).toBe(0);
    const { groups } = JSON.parse(result.stdout) as { groups: Group[] };
    const months = plainAll(
      plain,
      'SELECT substr(created_at, 1, 7) AS k, count(*) AS n FROM runs GROUP BY 1 ORDER BY 1',
    );
    expect(groups.map((g) => [g.key, g.runs])).toEqual(months.map((m) => [m.k, m.n]));
    // Nearest rank, from every compliance of the month read plainly and sorted here.
    for (const g of groups.slice(0, 3)) {
      const values = plainAll(
        plain,
        'SELECT token_budget_compliance AS c FROM runs WHERE substr(created_at, 1, 7) = ? AND token_budget_compliance IS NOT NULL',
        [g.key],
      )
        .map((r) => Number(r.c))
        .sort((a, b) => a - b);
      expect(g.compliance.median).toBe(values[Math.ceil(values.length / 2) - 1]);
      expect(g.compliance.p90).toBe(values[Math.ceil(values.length * 0.9) - 1]);
      // Fidelity totals: every distribution of the month parsed here, keys lower-cased.
      const totals: Record<string, number> = {};
      for (const r of plainAll(
        plain,
        'SELECT fidelity_distribution AS d FROM runs WHERE substr(created_at, 1, 7) = ?',
        [g.key],
      )) {
        for (const [level, n] of Object.entries(JSON.parse(String(r.d ?? '{}')) as object))
          totals[level.toLowerCase()] = (totals[level.toLowerCase()] ?? 0) + Number(n);
      }
      expect(Object.values(totals).some((n) => n > 0)).toBe(true);
      expect(Object.fromEntries(Object.entries(g.fidelity).filter(([, n]) => n > 0))).toEqual(
        totals,
      );
    }
  }, 120_000);

  it('runs list streams every run, in creation order, in constant memory', async () => {
    const result = await cli(['--db', db, 'runs', 'list', '--format', 'jsonl']);
    expect(result.code, result.stderr).toBe(0);
    const ids = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { runId: string }).runId);
    expect(ids).toHaveLength(plainCount(plain, 'SELECT count(*) AS n FROM runs'));
    const first = plainAll(
      plain,
      'SELECT run_id FROM runs ORDER BY created_at, run_id LIMIT 5',
    ).map((r) => String(r.run_id));
    expect(ids.slice(0, 5)).toEqual(first);
  }, 120_000);
});
