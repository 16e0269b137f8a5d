/**
 * Reading one run in detail: `runs show` prints the
 * run's child records, not just their counts; `inspect --datasets` says what it
 * skipped instead of silently showing no narrative. Expected values come from a
 * plain better-sqlite3 read of the file, never from runmeta.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, makeTempDir, plainAll, plainRun, removeDir, runCli } from './helpers.js';

let dir: string;
let db: string;
let runId: string;
const LONG_CONTEXT = { note: 'x'.repeat(150), args: 2 };
const LONG_VIOLATION = `tp_002 comes before tp_001 ${'because '.repeat(20)}end`;

const cli = (...args: string[]) => runCli(['--db', db, ...args], { cwd: dir });

beforeAll(async () => {
  dir = makeTempDir('detail');
  db = path.join(dir, 'metadata', 'runs.db');
  const started = await cli('start', '--template', 'board_meeting', '--mode', 'directorial');
  expect(started.code, started.stderr).toBe(0);
  runId = started.stdout.trim();
  for (const args of [
    ['record', 'mechanism', runId, 'M3', 'seed_knowledge', '--context', '{"args":1}'],
    ['record', 'mechanism', runId, 'M17', 'orchestrate', '--context', JSON.stringify(LONG_CONTEXT)],
    ['record', 'resolution', runId, 'ceo', 'DIALOG', 'tp_001'],
    ['record', 'resolution', runId, 'cfo', 'scene', 'tp_002'],
    ['record', 'validation', runId, 'schema', '--passed'],
    [
      'record',
      'validation',
      runId,
      'timeline',
      '--failed',
      '--message',
      'order broken',
      '--violation',
      'tp_003 is missing',
      '--violation',
      LONG_VIOLATION,
    ],
  ]) {
    const result = await cli(...args);
    expect(result.code, result.stderr).toBe(0);
  }
});
afterAll(() => removeDir(dir));

/** The one line of `text` that contains every one of `parts`. */
function lineWith(text: string, ...parts: string[]): string {
  const found = text.split('\n').filter((line) => parts.every((p) => line.includes(p)));
  expect(found, `a line with ${parts.join(', ')}`).toHaveLength(1);
  return found[0]!;
}

describe('runs show (text)', () => {
  it('lists every mechanism event, resolution assignment and validation of the run', async () => {
    const result = await cli('runs', 'show', runId);
    expect(result.code, result.stderr).toBe(0);
    const mechanisms = plainAll(
      db,
      'SELECT mechanism, function_name FROM mechanism_usage WHERE run_id = ? ORDER BY id',
      [runId],
    );
    const resolutions = plainAll(
      db,
      'SELECT entity_id, resolution, timepoint_id FROM resolution_assignments WHERE run_id = ? ORDER BY id',
      [runId],
    );
    const validations = plainAll(
      db,
      'SELECT validator_name, passed, violations FROM validations WHERE run_id = ? ORDER BY id',
      [runId],
    );
    expect(mechanisms).toHaveLength(2);
    expect(resolutions).toHaveLength(2);
    expect(validations).toHaveLength(2);
    const out = result.stdout;
    expect(out).toContain(`Mechanism events (${mechanisms.length}):`);
    for (const m of mechanisms) lineWith(out, ` ${m.mechanism} `, String(m.function_name));
    expect(out).toContain(`Resolution assignments (${resolutions.length}):`);
    for (const r of resolutions) {
      lineWith(out, ` ${r.entity_id} `, String(r.resolution).toUpperCase(), String(r.timepoint_id));
    }
    const failed = validations.filter((v) => !v.passed).length;
    expect(out).toContain(
      `Validations (${validations.length}: ${validations.length - failed} passed, ${failed} failed):`,
    );
    for (const v of validations) {
      lineWith(out, String(v.validator_name), v.passed ? 'passed' : 'failed');
      for (const violation of JSON.parse(String(v.violations)) as string[]) {
        lineWith(out, `- ${violation.slice(0, 40)}`);
      }
    }
    expect(out).not.toMatch(/mechanism event\(s\)/);
  });

  it('cuts long values with … and keeps every line short', async () => {
    const result = await cli('runs', 'show', runId);
    const stored = plainAll(
      db,
      "SELECT context FROM mechanism_usage WHERE run_id = ? AND mechanism = 'M17'",
      [runId],
    )[0]!.context as string;
    expect(stored.length).toBeGreaterThan(150);
    expect(result.stdout).not.toContain(stored);
    expect(lineWith(result.stdout, ' M17 ')).toMatch(/…$/);
    expect(result.stdout).not.toContain(LONG_VIOLATION);
    expect(lineWith(result.stdout, LONG_VIOLATION.slice(0, 40))).toMatch(/…$/);
    const children = result.stdout.slice(result.stdout.indexOf('Mechanism events'));
    for (const line of lines(children)) expect([...line].length).toBeLessThanOrEqual(200);
  });

  it('shows a field runmeta cannot read as stored, marked, and long fields in full', async () => {
    const started = await cli('start', '--template', 't', '--mode', 'forward', '--run-id', 'odd');
    expect(started.code, started.stderr).toBe(0);
    const message = `a message ${'long '.repeat(40)}end`;
    plainRun(
      db,
      `UPDATE runs SET fidelity_distribution = 'not json', fidelity_strategy_json = '{bad', cost_usd = 'lots', error_message = '${message}' WHERE run_id = 'odd'`,
    );
    const result = await cli('runs', 'show', 'odd');
    expect(result.code, result.stderr).toBe(0);
    expect(lineWith(result.stdout, 'fidelityDistribution')).toMatch(
      /^fidelityDistribution\s+not json {2}\(stored as is; runmeta cannot read it\)$/,
    );
    expect(lineWith(result.stdout, 'fidelityStrategy')).toMatch(/\s\{bad {2}\(stored as is;/);
    expect(lineWith(result.stdout, 'costUsd')).toMatch(/\slots {2}\(stored as is;/);
    expect(lineWith(result.stdout, 'errorMessage')).toMatch(new RegExp(`\\s${message}$`));
  });

  it('says "none" for a run without child records', async () => {
    const started = await cli('start', '--template', 't', '--mode', 'forward');
    const result = await cli('runs', 'show', started.stdout.trim());
    expect(result.stdout).toContain('Mechanism events: none');
    expect(result.stdout).toContain('Resolution assignments: none');
    expect(result.stdout).toContain('Validations: none');
  });
});

describe('inspect --datasets', () => {
  it('a missing datasets folder: one warning line on stderr, the snapshot on stdout, exit 0', async () => {
    const missing = path.join(dir, 'no-such-datasets');
    const result = await cli('inspect', runId, '--datasets', missing);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Simulation Snapshot: ${runId}`);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^warning: /);
    expect(result.stderr).toContain(missing);
  });

  it('a malformed newest narrative: warned about, and the newest valid one is used', async () => {
    const datasets = path.join(dir, 'datasets');
    const folder = path.join(datasets, 'board_meeting');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(
      path.join(folder, 'narrative_20251001_000000.json'),
      JSON.stringify({ characters: ['Old Chair'], timeline: ['opening'] }),
    );
    fs.writeFileSync(
      path.join(folder, 'narrative_20251101_000000.json'),
      JSON.stringify({ characters: ['Ada Chair', 'Bo Treasurer'], timeline: ['vote'] }),
    );
    fs.writeFileSync(path.join(folder, 'narrative_20251201_000000.json'), '{"characters": [');
    const result = await cli('inspect', runId, '--datasets', datasets);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(path.join('board_meeting', 'narrative_20251101_000000.json'));
    expect(result.stdout).toContain('Ada Chair');
    expect(result.stdout).not.toContain('Old Chair');
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^warning: /);
    expect(result.stderr).toContain('narrative_20251201_000000.json');
  });
});
