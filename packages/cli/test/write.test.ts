/**
 * The write commands as a shell pipeline uses them: start → record →
 * complete, each printing the run id; then `runs show` and `inspect` (the snapshot text).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasStack, lines, makeTempDir, plainAll, removeDir, runCli } from './helpers.js';

let dir: string;
let db: string;
let runId: string;

beforeAll(() => {
  dir = makeTempDir('write');
  db = path.join(dir, 'metadata', 'runs.db');
  fs.mkdirSync(path.dirname(db));
});
afterAll(() => removeDir(dir));

/** Run with RUNMETA_DB set, as a pipeline would. */
const cli = (...args: string[]) => runCli(args, { cwd: dir, env: { RUNMETA_DB: db } });

/** Exit 2, nothing on stdout, one line on stderr naming `field`. */
async function expectRejected(args: string[], field: string): Promise<void> {
  const before = fs.existsSync(db) ? fs.readFileSync(db) : null;
  const result = await cli(...args);
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  expect(lines(result.stderr)).toHaveLength(1);
  expect(result.stderr).toContain(field);
  expect(hasStack(result.stderr)).toBe(false);
  if (before) expect(fs.readFileSync(db).equals(before)).toBe(true);
}

describe('start / record / complete in a pipeline', () => {
  it('start prints only the new run id (creating the v2 database)', async () => {
    const result = await cli(
      'start',
      '--template',
      't',
      '--mode',
      'PORTAL',
      '--token-budget',
      '1000',
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^run_\S+\n$/);
    expect(result.stderr).toBe('');
    runId = result.stdout.trim();
    const rows = plainAll(
      db,
      'SELECT causal_mode, status, schema_version FROM runs WHERE run_id = ?',
      [runId],
    );
    expect(rows).toEqual([{ causal_mode: 'portal', status: 'running', schema_version: '2.0' }]);
  });

  it('start --token-budget stores only the budget in the strategy, nothing made up', async () => {
    const result = await cli(
      'start',
      '--template',
      't',
      '--mode',
      'forward',
      '--token-budget',
      '100',
      '--run-id',
      'run_budget_only',
    );
    expect(result.code, result.stderr).toBe(0);
    const rows = plainAll(
      db,
      "SELECT fidelity_strategy_json AS s FROM runs WHERE run_id = 'run_budget_only'",
    );
    expect(JSON.parse(String(rows[0]?.s))).toEqual({ token_budget: 100 });
    const plain = await cli(
      'start',
      '--template',
      't',
      '--mode',
      'forward',
      '--run-id',
      'run_no_budget',
    );
    expect(plain.code, plain.stderr).toBe(0);
    expect(
      plainAll(db, "SELECT fidelity_strategy_json AS s FROM runs WHERE run_id = 'run_no_budget'"),
    ).toEqual([{ s: null }]);
  });

  it('record mechanism prints the run id and stores the context', async () => {
    const result = await cli('record', 'mechanism', runId, 'M3', 'f', '--context', '{"a":1}');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${runId}\n`);
    const rows = plainAll(db, 'SELECT mechanism, function_name, context FROM mechanism_usage');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ mechanism: 'M3', function_name: 'f' });
    expect(JSON.parse(String(rows[0]?.context))).toEqual({ a: 1 });
  });

  it('record resolution normalises the upper-case level', async () => {
    const result = await cli('record', 'resolution', runId, 'e1', 'DIALOG', 'tp1');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${runId}\n`);
    expect(
      plainAll(db, 'SELECT entity_id, resolution, timepoint_id FROM resolution_assignments'),
    ).toEqual([{ entity_id: 'e1', resolution: 'dialog', timepoint_id: 'tp1' }]);
  });

  it('record validation --failed stores repeated --violation values', async () => {
    const result = await cli(
      'record',
      'validation',
      runId,
      'v',
      '--failed',
      '--violation',
      'x',
      '--violation',
      'y',
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${runId}\n`);
    const rows = plainAll(db, 'SELECT validator_name, passed, violations FROM validations');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ validator_name: 'v', passed: 0 });
    expect(JSON.parse(String(rows[0]?.violations))).toEqual(['x', 'y']);
  });

  it('complete prints the run id and computes the v2 metrics', async () => {
    const result = await cli(
      'complete',
      runId,
      '--entities',
      '2',
      '--timepoints',
      '1',
      '--cost',
      '0.1',
      '--tokens',
      '873',
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${runId}\n`);
  });

  it('runs show --json: compliance 0.873 and fidelityDistribution {dialog: 1}', async () => {
    const result = await cli('--json', 'runs', 'show', runId);
    expect(result.code).toBe(0);
    const shown = JSON.parse(result.stdout);
    expect(shown.run).toMatchObject({
      runId,
      status: 'completed',
      causalMode: 'portal',
      entitiesCreated: 2,
      timepointsCreated: 1,
      costUsd: 0.1,
      tokensUsed: 873,
      fidelityDistribution: { dialog: 1 },
    });
    expect(shown.run.tokenBudgetCompliance).toBeCloseTo(0.873, 10);
    expect(shown.run.fidelityEfficiencyScore).toBeCloseTo(3 / 873, 10);
    expect(shown.mechanisms).toHaveLength(1);
    expect(shown.resolutions).toHaveLength(1);
    expect(shown.validations).toHaveLength(1);
    expect(shown.validations[0].violations).toEqual(['x', 'y']);
  });

  it('inspect prints the fidelity block', async () => {
    const result = await cli('inspect', runId);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      [
        'Fidelity Distribution (M1):',
        '  DIALOG: 1 entities',
        '',
        'Token Budget Compliance: ✓ 87.3%',
        'Fidelity Efficiency: 0.003436 quality/token',
      ].join('\n'),
    );
    expect(result.stdout).toContain(runId);
    expect(result.stdout).toContain('M3');
  });

  it('inspect --json prints the snapshot as JSON only', async () => {
    const result = await cli('--json', 'inspect', runId);
    expect(result.code).toBe(0);
    const snapshot = JSON.parse(result.stdout);
    expect(JSON.stringify(snapshot)).toContain(runId);
  });

  it('--json write commands print the run as JSON', async () => {
    const result = await cli(
      '--json',
      'start',
      '--template',
      'board',
      '--mode',
      'forward',
      '--run-id',
      'run_custom_1',
      '--goal',
      'test goal',
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      runId: 'run_custom_1',
      templateId: 'board',
      causalMode: 'forward',
      goal: 'test goal',
      status: 'running',
    });
  });

  it('complete --error marks the run failed', async () => {
    const result = await cli(
      'complete',
      'run_custom_1',
      '--entities',
      '0',
      '--timepoints',
      '0',
      '--cost',
      '0',
      '--tokens',
      '0',
      '--error',
      'boom',
    );
    expect(result.code, result.stderr).toBe(0);
    expect(
      plainAll(db, "SELECT status, error_message FROM runs WHERE run_id = 'run_custom_1'"),
    ).toEqual([{ status: 'failed', error_message: 'boom' }]);
  });
});

describe('bad input exits 2 naming the field, and writes nothing', () => {
  it('an unknown resolution level', async () => {
    await expectRejected(['record', 'resolution', runId, 'e1', 'ULTRA', 'tp1'], '<level>');
  });

  it('a negative entity count', async () => {
    await expectRejected(
      [
        'complete',
        runId,
        '--entities',
        '-1',
        '--timepoints',
        '1',
        '--cost',
        '0.1',
        '--tokens',
        '1',
      ],
      'entities',
    );
  });

  it('start without --mode', async () => {
    await expectRejected(['start', '--template', 't'], '--mode');
  });

  it('an unknown causal mode', async () => {
    await expectRejected(['start', '--template', 't', '--mode', 'sideways'], '--mode');
  });

  it('the message shows the value received, not "got undefined"', async () => {
    for (const [args, field, got] of [
      [['start', '--template', 't', '--mode', 'quantum'], '--mode', '(got "quantum")'],
      // A number flag is checked by the CLI itself, in its own words.
      [
        ['start', '--template', 't', '--mode', 'forward', '--token-budget', '-5'],
        '--token-budget',
        'got "-5"',
      ],
      [['record', 'mechanism', runId, 'X9', 'f'], 'mechanism', '(got "X9")'],
      [['record', 'mechanism', runId, 'M1', 'f', '--context', '[1,2]'], 'context', '(got [1, 2])'],
    ] as const) {
      await expectRejected([...args], field);
      const result = await cli(...args);
      expect(result.stderr).toContain(got);
      expect(result.stderr).not.toContain('undefined');
    }
  });

  it('a token budget that is not a number', async () => {
    await expectRejected(
      ['start', '--template', 't', '--mode', 'forward', '--token-budget', 'lots'],
      '--token-budget',
    );
  });

  it('a duplicate run id', async () => {
    await expectRejected(
      ['start', '--template', 't', '--mode', 'forward', '--run-id', 'run_custom_1'],
      'run_custom_1',
    );
  });

  it('a mechanism context that is not JSON', async () => {
    await expectRejected(
      ['record', 'mechanism', runId, 'M1', 'f', '--context', '{nope'],
      '--context',
    );
  });

  it('a validation with both --passed and --failed', async () => {
    await expectRejected(['record', 'validation', runId, 'v', '--passed', '--failed'], '--passed');
  });

  it('complete without --tokens', async () => {
    await expectRejected(
      ['complete', runId, '--entities', '1', '--timepoints', '1', '--cost', '0'],
      '--tokens',
    );
  });

  it('recording on an unknown run', async () => {
    await expectRejected(['record', 'mechanism', 'run_missing', 'M1', 'f'], 'run_missing');
  });

  it('recording on a completed or failed run: exit 2 naming the run and its state, nothing written', async () => {
    const stored = () =>
      plainAll(
        db,
        `SELECT run_id, status, updated_at, fidelity_distribution,
           (SELECT count(*) FROM mechanism_usage) AS m,
           (SELECT count(*) FROM resolution_assignments) AS r,
           (SELECT count(*) FROM validations) AS v
         FROM runs ORDER BY run_id`,
      );
    const before = stored();
    expect(before.find((r) => r.run_id === runId)).toMatchObject({ status: 'completed' });
    for (const [id, state] of [
      [runId, 'completed'],
      ['run_custom_1', 'failed'],
    ] as const) {
      for (const args of [
        ['record', 'resolution', id, 'e9', 'TRAINED', 'tp9'],
        ['record', 'mechanism', id, 'M4', 'late'],
        ['record', 'validation', id, 'late', '--passed'],
      ]) {
        const result = await cli(...args);
        expect(result.code, result.stderr).toBe(2);
        expect(result.stdout).toBe('');
        expect(lines(result.stderr)).toHaveLength(1);
        expect(result.stderr).toContain(`"${id}"`);
        expect(result.stderr).toContain(`already ${state}`);
        expect(result.stderr).toContain('runmeta complete');
        expect(hasStack(result.stderr)).toBe(false);
      }
    }
    expect(stored()).toEqual(before);
  });

  it('left the recorded rows as they were', () => {
    expect(plainAll(db, 'SELECT count(*) AS n FROM resolution_assignments')[0]?.n).toBe(1);
    expect(plainAll(db, 'SELECT count(*) AS n FROM mechanism_usage')[0]?.n).toBe(1);
    expect(plainAll(db, 'SELECT count(*) AS n FROM runs')[0]?.n).toBe(4);
  });
});
