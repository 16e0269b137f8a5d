/**
 * A compliance in the report reads on its side of the budget: two decimals,
 * or more where two would round it onto 1 (1.0032 is over budget and counted
 * so; shown as 1 it would not look it). Checked on the function and through
 * the real process on a file whose value is set by plain better-sqlite3.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complianceDigits } from '../src/output/cells.js';
import { makeTempDir, plainRun, removeDir, runCli } from './helpers.js';

describe('complianceDigits', () => {
  it.each([
    [0.114, 2],
    [1, 2],
    [2.3138, 2],
    [1.0032, 4],
    [0.9996, 4],
    [1.0000004, 8],
  ])('%s is shown with %s decimals', (value, digits) => {
    expect(complianceDigits(value)).toBe(digits);
  });
});

describe('report', () => {
  let dir: string;
  let db: string;
  beforeAll(() => {
    dir = makeTempDir('report-text');
    db = path.join(dir, 'runs.db');
  });
  afterAll(() => removeDir(dir));

  it('shows a compliance just over budget as over it', async () => {
    const cli = (...args: string[]) => runCli(['--db', db, ...args], { cwd: dir });
    const started = await cli('start', '--template', 't', '--mode', 'forward', '--run-id', 'r1');
    expect(started.code, started.stderr).toBe(0);
    plainRun(db, "UPDATE runs SET status = 'completed', token_budget_compliance = 1.0032");
    const result = await cli('report', '--by', 'none');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('min 1.0032, median 1.0032, p90 1.0032, max 1.0032');
    expect(result.stdout).not.toMatch(/\b1\.00\b/);
  });

  it('runs list shows a compliance just over budget as over 100%', async () => {
    const cli = (...args: string[]) => runCli(['--db', db, ...args], { cwd: dir });
    plainRun(db, 'UPDATE runs SET token_budget_compliance = 1.0004');
    const result = await cli('runs', 'list');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('100.040%');
    expect(result.stdout).not.toContain('100.0%');
  });
});
