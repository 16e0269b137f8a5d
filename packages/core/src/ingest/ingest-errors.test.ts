/**
 * A bad line stops `ingestEvents`: the error names it (and the field), every
 * line before it is committed, none after it; a failed write names the line
 * that caused it.
 */
import { describe, expect, it, vi } from 'vitest';
import { DatabaseLockedError, RunNotFoundError, ValidationError } from '../errors.js';
import { complete, failure, linesOf, mechanism, recorder, start } from './ingest.fixture.js';
import { ingestEvents } from './ingest.js';
import { IngestLineError } from './ingest-error.js';

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
