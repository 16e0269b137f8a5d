/**
 * How `ingestEvents` groups lines into writes, against a target that records
 * its calls: which manager call each event becomes, when a group is committed
 * (run change, start/complete, size cap, idle input, end of input). Bad lines
 * are in `ingest-errors.test.ts`; the CLI's tests run the same on real SQLite files.
 */
import { describe, expect, it, vi } from 'vitest';
import { InterruptedError, ValidationError } from '../errors.js';
import {
  complete,
  failure,
  linesOf,
  mechanism,
  pushable,
  recorder,
  start,
} from './ingest.fixture.js';
import { type IngestAck, ingestEvents } from './ingest.js';

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
