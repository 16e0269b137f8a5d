/**
 * How `ingestEvents` groups lines into writes, against a target that records
 * its calls: which manager call each event becomes, when a group is committed
 * (run change, start/complete, size cap, idle input, end of input), and what a
 * bad line leaves committed. The CLI's tests run the same on real SQLite files.
 */
import { describe, expect, it, vi } from 'vitest';
import type { RunMetadata } from '../columns/run-record.js';
import {
  DatabaseLockedError,
  InterruptedError,
  RunNotFoundError,
  ValidationError,
} from '../errors.js';
import type { RecordBatch } from '../manager/inputs.js';
import {
  MechanismUsageInput,
  ResolutionAssignmentInput,
  ValidationRecordInput,
} from '../schema/records.js';
import { CompleteRunInput, StartRunInput } from '../schema/run-metadata.js';
import { parseInput } from '../schema/validate.js';
import { type IngestAck, type IngestTarget, ingestEvents } from './ingest.js';
import { IngestLineError } from './ingest-error.js';

type Call =
  | ['startRun', Record<string, unknown>]
  | ['recordBatch', string, { m: number; r: number; v: number }]
  | ['completeRun', string, Record<string, unknown>];

/** A target that records its calls; `fail` may throw for a call instead. */
function recorder(fail?: (call: Call) => Error | undefined) {
  const calls: Call[] = [];
  const batches: RecordBatch[] = [];
  const call = async (entry: Call) => {
    const error = fail?.(entry);
    if (error) throw error;
    calls.push(entry);
  };
  // Inputs are validated as the manager validates them (ingestion relies on it).
  const target: IngestTarget = {
    startRun: async (input) => {
      parseInput(StartRunInput, input);
      await call(['startRun', input as Record<string, unknown>]);
      return {} as RunMetadata;
    },
    recordBatch: async (runId, batch) => {
      for (const [i, m] of (batch.mechanisms ?? []).entries()) {
        parseInput(MechanismUsageInput, m, `mechanisms[${i}]`);
      }
      for (const [i, r] of (batch.resolutions ?? []).entries()) {
        parseInput(ResolutionAssignmentInput, r, `resolutions[${i}]`);
      }
      for (const [i, v] of (batch.validations ?? []).entries()) {
        parseInput(ValidationRecordInput, v, `validations[${i}]`);
      }
      const sizes = {
        m: batch.mechanisms?.length ?? 0,
        r: batch.resolutions?.length ?? 0,
        v: batch.validations?.length ?? 0,
      };
      await call(['recordBatch', runId, sizes]);
      batches.push(batch);
    },
    completeRun: async (runId, input) => {
      parseInput(CompleteRunInput, input);
      await call(['completeRun', runId, input as Record<string, unknown>]);
      return {} as RunMetadata;
    },
  };
  return { target, calls, batches };
}

/** The input as one text chunk, one line per item (objects as JSON). */
async function* linesOf(...items: (string | object)[]): AsyncGenerator<string> {
  yield items.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join('\n');
}

/** An input the test writes to while the ingestion reads it. */
function pushable() {
  const queue: string[] = [];
  let ended = false;
  let wake: (() => void) | null = null;
  let pulls = 0;
  return {
    get pulls() {
      return pulls;
    },
    push(text: string) {
      queue.push(text);
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
    async *[Symbol.asyncIterator](): AsyncGenerator<string> {
      for (;;) {
        pulls++;
        while (!queue.length && !ended) await new Promise<void>((resolve) => (wake = resolve));
        if (!queue.length) return;
        yield queue.shift()!;
      }
    },
  };
}

/** The error `promise` rejects with. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

const start = (runId: string) => ({
  event: 'start',
  runId,
  templateId: 'board_meeting',
  causalMode: 'directorial',
});
const mechanism = (runId: string, n = 1) => ({
  event: 'mechanism',
  runId,
  mechanism: `M${n}`,
  functionName: `step_${n}`,
});
const complete = (runId: string) => ({
  event: 'complete',
  runId,
  entitiesCreated: 1,
  timepointsCreated: 1,
  costUsd: 0.01,
  tokensUsed: 100,
});

describe('ingestEvents: one manager call per event kind', () => {
  it('turns the SPEC §10 examples into startRun, one recordBatch and completeRun', async () => {
    const { target, calls, batches } = recorder();
    const acks: IngestAck[] = [];
    const result = await ingestEvents(
      target,
      linesOf(
        '{"event":"start","runId":"r1","templateId":"board_meeting","causalMode":"directorial","tokenBudget":50000}',
        '{"event":"mechanism","runId":"r1","mechanism":"M3","functionName":"seed_knowledge","context":{"step":1}}',
        '{"event":"resolution","runId":"r1","entityId":"ceo","resolution":"DIALOG","timepointId":"tp_001"}',
        '{"event":"validation","runId":"r1","validatorName":"timeline","passed":false,"violations":["..."]}',
        '{"event":"complete","runId":"r1","entitiesCreated":5,"timepointsCreated":3,"costUsd":0.04,"tokensUsed":43650}',
      ),
      { onCommit: (committed) => void acks.push(...committed) },
    );
    expect(result).toEqual({ lines: 5, events: 5 });
    expect(calls).toEqual([
      [
        'startRun',
        {
          runId: 'r1',
          templateId: 'board_meeting',
          causalMode: 'directorial',
          tokenBudget: 50000,
        },
      ],
      ['recordBatch', 'r1', { m: 1, r: 1, v: 1 }],
      [
        'completeRun',
        'r1',
        { entitiesCreated: 5, timepointsCreated: 3, costUsd: 0.04, tokensUsed: 43650 },
      ],
    ]);
    // The SDK inputs exactly as given (the manager validates them as any call).
    expect(batches[0]).toEqual({
      mechanisms: [{ mechanism: 'M3', functionName: 'seed_knowledge', context: { step: 1 } }],
      resolutions: [{ entityId: 'ceo', resolution: 'DIALOG', timepointId: 'tp_001' }],
      validations: [{ validatorName: 'timeline', passed: false, violations: ['...'] }],
    });
    expect(acks).toEqual([
      { line: 1, event: 'start', runId: 'r1' },
      { line: 2, event: 'mechanism', runId: 'r1' },
      { line: 3, event: 'resolution', runId: 'r1' },
      { line: 4, event: 'validation', runId: 'r1' },
      { line: 5, event: 'complete', runId: 'r1' },
    ]);
  });

  it('commits a group when the run changes, at a start or complete, and at the end', async () => {
    const { target, calls } = recorder();
    await ingestEvents(
      target,
      linesOf(
        start('a'),
        start('b'),
        mechanism('a'),
        mechanism('a', 2),
        mechanism('b'),
        mechanism('a', 3),
        complete('a'),
        mechanism('b', 2),
      ),
    );
    expect(calls.map((c) => c.slice(0, 2))).toEqual([
      ['startRun', expect.objectContaining({ runId: 'a' })],
      ['startRun', expect.objectContaining({ runId: 'b' })],
      ['recordBatch', 'a'],
      ['recordBatch', 'b'],
      ['recordBatch', 'a'],
      ['completeRun', 'a'],
      ['recordBatch', 'b'],
    ]);
    expect(calls.filter((c) => c[0] === 'recordBatch').map((c) => c[2])).toEqual([
      { m: 2, r: 0, v: 0 },
      { m: 1, r: 0, v: 0 },
      { m: 1, r: 0, v: 0 },
      { m: 1, r: 0, v: 0 },
    ]);
  });

  it('caps a group at groupSize events', async () => {
    const { target, calls } = recorder();
    const events = Array.from({ length: 5 }, (_, i) => mechanism('a', i + 1));
    await ingestEvents(target, linesOf(...events), { groupSize: 2 });
    expect(calls.map((c) => c[2])).toEqual([
      { m: 2, r: 0, v: 0 },
      { m: 2, r: 0, v: 0 },
      { m: 1, r: 0, v: 0 },
    ]);
  });

  it('skips blank lines but counts them, and takes CRLF line ends and a last line without one', async () => {
    const { target, calls } = recorder();
    const acks: IngestAck[] = [];
    const result = await ingestEvents(
      target,
      linesOf(
        '',
        JSON.stringify(start('a')),
        '   ',
        `${JSON.stringify(mechanism('a'))}\r`,
        '\t',
        JSON.stringify(complete('a')),
      ),
      { onCommit: (committed) => void acks.push(...committed) },
    );
    expect(result).toEqual({ lines: 6, events: 3 });
    expect(acks.map((a) => a.line)).toEqual([2, 4, 6]);
    expect(calls.map((c) => c[0])).toEqual(['startRun', 'recordBatch', 'completeRun']);
  });

  it('reads bytes split anywhere, even inside a character', async () => {
    const { target, batches } = recorder();
    const text = `${JSON.stringify({ ...mechanism('a'), context: { note: 'café ✓ 🙂' } })}\n${JSON.stringify(mechanism('a', 2))}\n`;
    const bytes = new TextEncoder().encode(text);
    async function* oneByteAtATime() {
      for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
    }
    const result = await ingestEvents(target, oneByteAtATime());
    expect(result).toEqual({ lines: 2, events: 2 });
    expect(batches.flatMap((b) => b.mechanisms ?? [])[0]).toMatchObject({
      context: { note: 'café ✓ 🙂' },
    });
  });
});

describe('ingestEvents: a bad line', () => {
  it('stops at the line, after committing every line before it', async () => {
    const { target, calls } = recorder();
    const error = await failure(
      ingestEvents(
        target,
        linesOf(
          start('a'),
          mechanism('a'),
          mechanism('a', 2),
          '{"event":"mechanism","runId":"a","mechanism":"M4"}',
          mechanism('a', 5),
        ),
      ),
    );
    expect(error).toBeInstanceOf(IngestLineError);
    const e = error as IngestLineError;
    expect(e.line).toBe(4);
    expect(e.field).toBe('functionName');
    expect(e.code).toBe('RUNMETA_VALIDATION');
    expect(e.exitCode).toBe(2);
    expect(e.problem).toBe(
      'line 4: Invalid functionName: is required (a string) but was not given',
    );
    expect(e.hint).toBe(
      'Lines 1–3 are committed: fix line 4, then send it and the lines after it again',
    );
    expect(calls).toEqual([
      ['startRun', expect.objectContaining({ runId: 'a' })],
      ['recordBatch', 'a', { m: 2, r: 0, v: 0 }],
    ]);
  });

  it.each([
    ['not JSON', '{"event": "start",', /^line 2: is not JSON \(/],
    [
      'not an object',
      '[1, 2]',
      /^line 2: must be a JSON object with an "event" field \(got \[1, 2\]\)$/,
    ],
    ['JSON null', 'null', /^line 2: must be a JSON object .*\(got null\)$/],
    [
      'no event',
      '{"runId":"a"}',
      /^line 2: Invalid event: is required \(one of start, mechanism, resolution, validation, complete\)/,
    ],
    [
      'an unknown event',
      '{"event":"finish","runId":"a"}',
      /^line 2: Invalid event: must be one of start, mechanism, resolution, validation, complete \(got "finish"\)$/,
    ],
    [
      'an event that is not text',
      '{"event":3,"runId":"a"}',
      /^line 2: Invalid event: must be one of .* \(got 3\)$/,
    ],
    [
      'no run id',
      '{"event":"mechanism","mechanism":"M1","functionName":"f"}',
      /^line 2: Invalid runId: is required/,
    ],
    [
      'a start without its mode',
      '{"event":"start","runId":"b","templateId":"t"}',
      /^line 2: Invalid causalMode: /,
    ],
    [
      'an unknown field',
      '{"event":"start","runId":"b","templateId":"t","causalMode":"forward","tokenbudget":5}',
      /^line 2: Invalid tokenbudget: unknown key; did you mean tokenBudget\?/,
    ],
    [
      'a snake_case field',
      '{"event":"resolution","runId":"a","entity_id":"ceo","resolution":"dialog","timepointId":"t"}',
      /^line 2: Invalid entity_id: unknown key/,
    ],
    [
      'a bad level',
      '{"event":"resolution","runId":"a","entityId":"ceo","resolution":"ultra","timepointId":"t"}',
      /^line 2: Invalid resolution: /,
    ],
    [
      'a negative cost',
      '{"event":"complete","runId":"a","entitiesCreated":1,"timepointsCreated":1,"costUsd":-1,"tokensUsed":1}',
      /^line 2: Invalid costUsd: must not be negative/,
    ],
  ])('is refused when it is %s, naming the line', async (_what, line, problem) => {
    const { target, calls } = recorder();
    const error = (await failure(
      ingestEvents(target, linesOf(start('a'), line, mechanism('a'))),
    )) as IngestLineError;
    expect(error).toBeInstanceOf(IngestLineError);
    expect(error.line).toBe(2);
    expect(error.problem).toMatch(problem);
    expect(error.exitCode).toBe(2);
    expect(calls.map((c) => c[0])).toEqual(['startRun']);
  });

  it('names the first line of a group whose write fails, the lines before it committed', async () => {
    const { target, calls } = recorder((call) =>
      call[0] === 'recordBatch' && call[1] === 'ghost' ? new RunNotFoundError('ghost') : undefined,
    );
    const error = (await failure(
      ingestEvents(
        target,
        linesOf(
          start('a'),
          mechanism('a'),
          mechanism('ghost'),
          mechanism('ghost', 2),
          complete('a'),
        ),
      ),
    )) as IngestLineError;
    expect(error).toBeInstanceOf(IngestLineError);
    expect(error.line).toBe(3);
    expect(error.code).toBe('RUNMETA_RUN_NOT_FOUND');
    expect(error.problem).toBe('line 3: Run "ghost" not found');
    expect(error.hint).toBe(
      `Send the run's "start" event before its other events. Lines 1–2 are committed: fix line 3, then send it and the lines after it again`,
    );
    expect(error.cause).toBeInstanceOf(RunNotFoundError);
    expect(calls.map((c) => c[0])).toEqual(['startRun', 'recordBatch']);
  });

  it('names the first bad line of a group, whichever list the manager checks first', async () => {
    const { target, calls, batches } = recorder();
    const badResolution =
      '{"event":"resolution","runId":"a","entityId":"ceo","resolution":"ultra","timepointId":"t"}';
    const badMechanism = '{"event":"mechanism","runId":"a","mechanism":"X","functionName":"f"}';
    const error = (await failure(
      ingestEvents(target, linesOf(mechanism('a'), mechanism('a', 2), badResolution, badMechanism)),
    )) as IngestLineError;
    expect(error.line).toBe(3);
    expect(error.field).toBe('resolution');
    expect(calls).toEqual([['recordBatch', 'a', { m: 2, r: 0, v: 0 }]]);
    expect(batches[0]!.mechanisms!.map((m) => m.functionName)).toEqual(['step_1', 'step_2']);
  });

  it('names the line of a write refused for a reason the line cannot show (a duplicate run)', async () => {
    const duplicate = new ValidationError('runId', 'a run with id "a" already exists');
    const { target } = recorder((call) =>
      call[0] === 'startRun' && call[1].runId === 'a' && call[1].templateId === 'again'
        ? duplicate
        : undefined,
    );
    const error = (await failure(
      ingestEvents(target, linesOf(start('a'), { ...start('a'), templateId: 'again' })),
    )) as IngestLineError;
    expect(error.line).toBe(2);
    expect(error.problem).toBe('line 2: Invalid runId: a run with id "a" already exists');
    expect(error.cause).toBe(duplicate);
  });

  it('keeps the code and advice of a database problem, for the CLI too', async () => {
    const locked = new DatabaseLockedError('runs.db', 'another process holds it');
    const { target } = recorder((call) => (call[0] === 'completeRun' ? locked : undefined));
    const error = (await failure(
      ingestEvents(target, linesOf(start('a'), complete('a'))),
    )) as IngestLineError;
    expect(error.line).toBe(2);
    expect(error.code).toBe('RUNMETA_LOCKED');
    expect(error.exitCode).toBe(3);
    expect(error.hint).toContain('Line 1 is committed: fix line 2');
    expect(error.hint?.startsWith(locked.hint!.replace(/\.$/, ''))).toBe(true);
  });

  it('commits the lines before a bad one even when they were waiting in a group', async () => {
    const { target, calls } = recorder();
    const error = (await failure(
      ingestEvents(target, linesOf(mechanism('a'), mechanism('a', 2), 'oops')),
    )) as IngestLineError;
    expect(error.line).toBe(3);
    expect(calls).toEqual([['recordBatch', 'a', { m: 2, r: 0, v: 0 }]]);
  });

  it('says nothing was committed when line 1 is bad, and opens nothing', async () => {
    const open = vi.fn(async () => recorder().target);
    const error = (await failure(
      ingestEvents(open, linesOf('nope', start('a'))),
    )) as IngestLineError;
    expect(error.line).toBe(1);
    expect(error.hint).toBe('Nothing was committed: fix line 1 and send the input again');
    expect(open).not.toHaveBeenCalled();
  });

  it('names a line that is not UTF-8', async () => {
    const { target, calls } = recorder();
    async function* input() {
      yield new TextEncoder().encode(`${JSON.stringify(start('a'))}\n`);
      yield new Uint8Array([0x7b, 0xff, 0x7d, 0x0a]);
    }
    const error = (await failure(ingestEvents(target, input()))) as IngestLineError;
    expect(error.line).toBe(2);
    expect(error.problem).toBe('line 2: is not UTF-8 text; send JSON lines encoded in UTF-8');
    expect(calls.map((c) => c[0])).toEqual(['startRun']);
  });

  it('passes an error that is not runmeta’s through unchanged', async () => {
    const bug = new TypeError('bug');
    const { target } = recorder(() => bug);
    expect(await failure(ingestEvents(target, linesOf(start('a'))))).toBe(bug);
  });
});

describe('ingestEvents: commits while the input pauses', () => {
  it('commits a pending group once the input is idle for idleMs, before the input ends', async () => {
    const { target, calls } = recorder();
    const input = pushable();
    const done = ingestEvents(target, input, { idleMs: 20 });
    input.push(`${JSON.stringify(mechanism('a'))}\n${JSON.stringify(mechanism('a', 2))}\n`);
    await vi.waitFor(() => expect(calls).toEqual([['recordBatch', 'a', { m: 2, r: 0, v: 0 }]]), {
      timeout: 5000,
    });
    input.push(`${JSON.stringify(mechanism('a', 3))}\n`);
    input.end();
    expect(await done).toEqual({ lines: 3, events: 3 });
    expect(calls).toHaveLength(2);
  });

  it('commits a group at most maxDelayMs after its first event, even when input keeps trickling in', async () => {
    const { target, calls } = recorder();
    const input = pushable();
    const done = ingestEvents(target, input, { idleMs: 60_000, maxDelayMs: 30 });
    let n = 0;
    // One line every 5 ms: never idle for a minute, yet committed within the delay.
    const timer = setInterval(() => input.push(`${JSON.stringify(mechanism('a', ++n))}\n`), 5);
    await vi.waitFor(() => expect(calls.length).toBeGreaterThan(0), { timeout: 5000 });
    clearInterval(timer);
    input.end();
    const result = await done;
    expect(result.events).toBe(n);
    expect(calls.length).toBeGreaterThan(1);
  });

  it('reads no further while onCommit is pending (back-pressure)', async () => {
    const { target } = recorder();
    const input = pushable();
    let release: () => void = () => {};
    const onCommit = vi.fn(() => new Promise<void>((resolve) => (release = resolve)));
    const done = ingestEvents(target, input, { onCommit });
    input.push(`${JSON.stringify(start('a'))}\n`);
    await vi.waitFor(() => expect(onCommit).toHaveBeenCalledTimes(1));
    const pulls = input.pulls;
    input.push(`${JSON.stringify(start('b'))}\n`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(input.pulls).toBe(pulls);
    expect(onCommit).toHaveBeenCalledTimes(1);
    release();
    await vi.waitFor(() => expect(onCommit).toHaveBeenCalledTimes(2));
    release();
    input.end();
    expect(await done).toEqual({ lines: 2, events: 2 });
  });

  it('on abort commits what is pending and says up to which line', async () => {
    const { target, calls } = recorder();
    const input = pushable();
    const controller = new AbortController();
    const done = failure(
      ingestEvents(target, input, { idleMs: 60_000, signal: controller.signal }),
    );
    input.push(`${JSON.stringify(mechanism('a'))}\n\n`);
    await vi.waitFor(() => expect(input.pulls).toBeGreaterThan(1));
    controller.abort('SIGINT');
    const error = (await done) as InterruptedError;
    expect(error).toBeInstanceOf(InterruptedError);
    expect(error.problem).toBe('interrupted after line 2; lines 1–2 are committed');
    expect(error.reason).toBe('SIGINT');
    expect(calls).toEqual([['recordBatch', 'a', { m: 1, r: 0, v: 0 }]]);
  });
});

describe('ingestEvents: its own arguments', () => {
  it('validates options like every SDK call', async () => {
    const { target } = recorder();
    const error = await failure(ingestEvents(target, linesOf(), { groupsize: 5 } as never));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('groupsize');
    expect((error as Error).message).toContain('did you mean groupSize?');
    const zero = await failure(ingestEvents(target, linesOf(), { groupSize: 0 }));
    expect((zero as ValidationError).field).toBe('groupSize');
  });

  it('refuses an input that is not a stream', async () => {
    const { target } = recorder();
    const error = await failure(ingestEvents(target, 'a line' as never));
    expect((error as ValidationError).field).toBe('input');
  });

  it('takes an empty input', async () => {
    const open = vi.fn(async () => recorder().target);
    expect(await ingestEvents(open, linesOf())).toEqual({ lines: 0, events: 0 });
    expect(open).not.toHaveBeenCalled();
  });
});
