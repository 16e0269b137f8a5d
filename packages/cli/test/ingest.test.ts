/**
 * `runmeta ingest` as a real process with its stdin piped, on real SQLite files:
 * the SPEC §10 examples verbatim, bad lines (exit 2, the line named, every line
 * before it committed), commits while the input pauses, and `--json` acks.
 * Every database is read back through plain better-sqlite3, never through runmeta.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BIN,
  type CliResult,
  copyFixture,
  expectOneErrorLine,
  lines,
  makeTempDir,
  plainAll,
  plainCount,
  removeDir,
  sha256,
  V2_32,
} from './helpers.js';

/** A running `runmeta … ingest` whose stdin the test writes. */
interface Ingesting {
  child: ChildProcessWithoutNullStreams;
  write(text: string): void;
  /** End stdin and wait for the exit. */
  end(): Promise<CliResult>;
  /** The exit, whenever it comes. */
  exited: Promise<CliResult>;
}

function startIngest(args: string[], cwd: string): Ingesting {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  // A process that stops reading (a bad line) closes its stdin: later writes may fail.
  child.stdin.on('error', () => {});
  const exited = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return {
    child,
    exited,
    write: (text) => void child.stdin.write(text),
    end: () => {
      child.stdin.end();
      return exited;
    },
  };
}

/** Run `runmeta --db <db> [--json] ingest` on `input` and wait for it. */
function ingest(cwd: string, db: string, input: string, json = false): Promise<CliResult> {
  const run = startIngest(['--db', db, ...(json ? ['--json'] : []), 'ingest'], cwd);
  run.write(input);
  return run.end();
}

/** The SPEC §10 examples, verbatim but for `"context":{...}`, which is a placeholder there. */
const SPEC_EXAMPLES = [
  '{"event":"start","runId":"r1","templateId":"board_meeting","causalMode":"directorial","tokenBudget":50000}',
  '{"event":"mechanism","runId":"r1","mechanism":"M3","functionName":"seed_knowledge","context":{"step":1}}',
  '{"event":"resolution","runId":"r1","entityId":"ceo","resolution":"DIALOG","timepointId":"tp_001"}',
  '{"event":"validation","runId":"r1","validatorName":"timeline","passed":false,"violations":["..."]}',
  '{"event":"complete","runId":"r1","entitiesCreated":5,"timepointsCreated":3,"costUsd":0.04,"tokensUsed":43650}',
];

const start = (runId: string) =>
  JSON.stringify({ event: 'start', runId, templateId: 'pipeline', causalMode: 'forward' });
const mechanism = (runId: string, n: number) =>
  JSON.stringify({ event: 'mechanism', runId, mechanism: `M${n}`, functionName: `step_${n}` });

let dir: string;
beforeAll(() => {
  dir = makeTempDir('ingest');
});
afterAll(() => removeDir(dir));

/** A fresh database path in its own folder. */
function freshDb(name: string): string {
  const folder = path.join(dir, name);
  fs.mkdirSync(folder, { recursive: true });
  return path.join(folder, 'runs.db');
}

describe('runmeta ingest: the SPEC §10 examples', () => {
  it('records each example as the SDK call it stands for', async () => {
    const db = freshDb('spec');
    const result = await ingest(dir, db, `${SPEC_EXAMPLES.join('\n')}\n`);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('ingested 5 events from 5 lines\n');

    const [run] = plainAll(db, 'SELECT * FROM runs');
    expect(run).toMatchObject({
      run_id: 'r1',
      template_id: 'board_meeting',
      causal_mode: 'directorial',
      status: 'completed',
      entities_created: 5,
      timepoints_created: 3,
      cost_usd: 0.04,
      tokens_used: 43650,
      training_examples: 0,
      llm_calls: 0,
    });
    expect(JSON.parse(String(run!.fidelity_strategy_json))).toMatchObject({ token_budget: 50000 });
    expect(run!.token_budget_compliance).toBeCloseTo(43650 / 50000, 10);
    expect(
      plainAll(db, 'SELECT run_id, mechanism, function_name, context FROM mechanism_usage'),
    ).toEqual([
      { run_id: 'r1', mechanism: 'M3', function_name: 'seed_knowledge', context: '{"step":1}' },
    ]);
    expect(
      plainAll(
        db,
        'SELECT run_id, entity_id, resolution, timepoint_id FROM resolution_assignments',
      ),
    ).toEqual([{ run_id: 'r1', entity_id: 'ceo', resolution: 'dialog', timepoint_id: 'tp_001' }]);
    expect(
      plainAll(db, 'SELECT run_id, validator_name, passed, violations FROM validations'),
    ).toEqual([{ run_id: 'r1', validator_name: 'timeline', passed: 0, violations: '["..."]' }]);
  });

  it('acknowledges each committed line with --json, in input order, blank lines skipped', async () => {
    const db = freshDb('acks');
    const input = [SPEC_EXAMPLES[0], '', ...SPEC_EXAMPLES.slice(1), ''].join('\n');
    const result = await ingest(dir, db, input, true);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(lines(result.stdout).map((line) => JSON.parse(line))).toEqual([
      { line: 1, event: 'start', runId: 'r1' },
      { line: 3, event: 'mechanism', runId: 'r1' },
      { line: 4, event: 'resolution', runId: 'r1' },
      { line: 5, event: 'validation', runId: 'r1' },
      { line: 6, event: 'complete', runId: 'r1' },
    ]);
    // One object per line, nothing else on stdout.
    expect(
      result.stdout
        .split('\n')
        .slice(0, -1)
        .every((line) => line.startsWith('{"line":')),
    ).toBe(true);
  });

  it('takes an empty input without creating the database', async () => {
    const db = freshDb('empty');
    const result = await ingest(dir, db, '');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('ingested 0 events from 0 lines\n');
    expect(fs.existsSync(db)).toBe(false);
  });
});

describe('runmeta ingest: a bad line', () => {
  it('stops at a bad line in the middle: exit 2, its number named, every line before it committed', async () => {
    const db = freshDb('middle');
    const good = [start('a'), ...Array.from({ length: 40 }, (_, i) => mechanism('a', i + 1))];
    const input = [
      ...good,
      start('b'),
      mechanism('b', 1),
      '{"event":"mechanism","runId":"b","mechanism":"M2"}',
      mechanism('b', 3),
      start('c'),
    ].join('\n');
    const result = await ingest(dir, db, input);
    expectOneErrorLine(result, 2);
    expect(result.stderr).toBe(
      'error: line 44: Invalid functionName: is required (a string) but was not given. Lines 1–43 are committed: fix line 44, then send it and the lines after it again\n',
    );
    expect(plainAll(db, 'SELECT run_id FROM runs ORDER BY run_id')).toEqual([
      { run_id: 'a' },
      { run_id: 'b' },
    ]);
    expect(plainCount(db, "SELECT count(*) AS n FROM mechanism_usage WHERE run_id = 'a'")).toBe(40);
    expect(plainAll(db, "SELECT mechanism FROM mechanism_usage WHERE run_id = 'b'")).toEqual([
      { mechanism: 'M1' },
    ]);
  });

  it.each([
    [
      'not JSON',
      '{"event":"mechanism",',
      /^error: line 2: is not JSON \(.+\)\. Line 1 is committed: fix line 2/,
    ],
    [
      'an unknown event',
      '{"event":"begin","runId":"a"}',
      /^error: line 2: Invalid event: must be one of start, mechanism, resolution, validation, complete \(got "begin"\)\. Line 1 is committed/,
    ],
    [
      'a missing field',
      '{"event":"resolution","runId":"a","entityId":"ceo","timepointId":"tp_1"}',
      /^error: line 2: Invalid resolution: is required .* but was not given\. Line 1 is committed/,
    ],
    [
      'a snake_case field',
      '{"event":"resolution","runId":"a","entity_id":"ceo","resolution":"dialog","timepointId":"tp_1"}',
      /^error: line 2: Invalid entity_id: unknown key; did you mean entityId\?/,
    ],
    [
      'an event for an unknown run',
      mechanism('never-started', 1),
      /^error: line 2: Run "never-started" not found\. Send the run's "start" event before its other events\. Line 1 is committed/,
    ],
  ])('refuses %s (exit 2), naming the line', async (what, bad, message) => {
    const db = freshDb(`bad-${what.replaceAll(' ', '-')}`);
    const result = await ingest(dir, db, [start('a'), bad, mechanism('a', 1)].join('\n'));
    expectOneErrorLine(result, 2);
    expect(result.stderr).toMatch(message);
    expect(plainAll(db, 'SELECT run_id FROM runs')).toEqual([{ run_id: 'a' }]);
    expect(plainCount(db, 'SELECT count(*) AS n FROM mechanism_usage')).toBe(0);
  });

  it('refuses events for a completed run, naming the line', async () => {
    const db = freshDb('finished');
    const result = await ingest(
      dir,
      db,
      [
        ...SPEC_EXAMPLES,
        '{"event":"mechanism","runId":"r1","mechanism":"M4","functionName":"late"}',
      ].join('\n'),
    );
    expectOneErrorLine(result, 2);
    expect(result.stderr).toMatch(
      /^error: line 6: Run "r1" is already completed; .*Lines 1–5 are committed/,
    );
    expect(plainCount(db, 'SELECT count(*) AS n FROM mechanism_usage')).toBe(1);
  });

  it('leaves an existing database byte-identical when line 1 is bad', async () => {
    const folder = path.join(dir, 'fixture');
    const db = copyFixture(V2_32, folder);
    const before = sha256(db);
    const result = await ingest(dir, db, `${start('x').slice(0, -1)}\n${start('y')}\n`);
    expectOneErrorLine(result, 2);
    expect(result.stderr).toMatch(
      /^error: line 1: is not JSON .*Nothing was committed: fix line 1 and send the input again\n$/,
    );
    expect(sha256(db)).toBe(before);
  });

  it('with --json, acknowledges the lines committed before the bad one', async () => {
    const db = freshDb('bad-acks');
    const result = await ingest(dir, db, [start('a'), mechanism('a', 1), 'oops'].join('\n'), true);
    expect(result.code).toBe(2);
    expect(lines(result.stdout).map((line) => JSON.parse(line).line)).toEqual([1, 2]);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^error: line 3: is not JSON/);
  });

  it('exits at a bad line even while the sender keeps stdin open', async () => {
    const db = freshDb('open-stdin');
    const run = startIngest(['--db', db, 'ingest'], dir);
    run.write(`${start('a')}\nnot json\n`);
    const result = await run.exited;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: line 2: is not JSON/);
    expect(plainCount(db, 'SELECT count(*) AS n FROM runs')).toBe(1);
  });
});

describe('runmeta ingest: commits while the pipeline runs', () => {
  it('commits the events read so far when the input pauses, before stdin ends', async () => {
    const db = freshDb('idle');
    const run = startIngest(['--db', db, 'ingest'], dir);
    run.write(`${start('slow')}\n${mechanism('slow', 1)}\n${mechanism('slow', 2)}\n`);
    // Still running (stdin is open), yet the three lines are in the file.
    await vi.waitFor(
      () => {
        expect(fs.existsSync(db)).toBe(true);
        expect(
          plainCount(db, "SELECT count(*) AS n FROM mechanism_usage WHERE run_id = 'slow'"),
        ).toBe(2);
      },
      { timeout: 15_000, interval: 50 },
    );
    expect(run.child.exitCode).toBeNull();
    run.write(`${mechanism('slow', 3)}\n`);
    const result = await run.end();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('ingested 4 events from 4 lines\n');
    expect(plainCount(db, 'SELECT count(*) AS n FROM mechanism_usage')).toBe(3);
  });

  it('on Ctrl-C commits what was read and says up to which line (exit 130)', async () => {
    const db = freshDb('interrupted');
    const run = startIngest(['--db', db, 'ingest'], dir);
    run.write(`${start('cut')}\n${mechanism('cut', 1)}\n`);
    await vi.waitFor(
      () => {
        expect(fs.existsSync(db)).toBe(true);
        expect(plainCount(db, 'SELECT count(*) AS n FROM mechanism_usage')).toBe(1);
      },
      { timeout: 15_000, interval: 50 },
    );
    run.child.kill('SIGINT');
    const result = await run.exited;
    expect(result.code).toBe(130);
    expect(result.stderr).toBe(
      'interrupted after line 2; lines 1–2 are committed. Send the lines after line 2 to carry on\n',
    );
    expect(plainAll(db, 'SELECT run_id, status FROM runs')).toEqual([
      { run_id: 'cut', status: 'running' },
    ]);
  });

  it('takes many runs in one process, each child row under its run', async () => {
    const db = freshDb('many');
    const input: string[] = [];
    for (let r = 0; r < 50; r++) {
      const id = `run-${r}`;
      input.push(start(id));
      for (let m = 1; m <= 30; m++) input.push(mechanism(id, m));
      input.push(
        JSON.stringify({
          event: 'resolution',
          runId: id,
          entityId: 'e',
          resolution: 'scene',
          timepointId: 't',
        }),
        JSON.stringify({
          event: 'complete',
          runId: id,
          entitiesCreated: 1,
          timepointsCreated: 1,
          costUsd: 0.5,
          tokensUsed: 10,
        }),
      );
    }
    const result = await ingest(dir, db, `${input.join('\n')}\n`);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`ingested ${input.length} events from ${input.length} lines\n`);
    expect(
      plainAll(
        db,
        "SELECT count(*) AS n, sum(cost_usd) AS cost FROM runs WHERE status = 'completed'",
      ),
    ).toEqual([{ n: 50, cost: 25 }]);
    expect(
      plainAll(
        db,
        'SELECT count(DISTINCT run_id) AS runs, count(*) AS n, min(c) AS least FROM (SELECT run_id, count(*) OVER (PARTITION BY run_id) AS c FROM mechanism_usage)',
      ),
    ).toEqual([{ runs: 50, n: 1500, least: 30 }]);
  });
});
