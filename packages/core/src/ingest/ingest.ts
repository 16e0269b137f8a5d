/**
 * `ingestEvents`: a stream of JSON lines (SPEC §10) turned into manager writes,
 * committed in small groups. Consecutive child events (mechanism, resolution,
 * validation) of one run are recorded in one `recordBatch` transaction; a group
 * is committed when the next event is for another run or is a `start` or a
 * `complete`, when it reaches `groupSize` events, when the input pauses for
 * `idleMs` (a slow pipeline sees its events land promptly), at the latest
 * `maxDelayMs` after its first event, and at the end of the input.
 *
 * A bad line stops everything: the lines before it are committed first, then
 * an {@link IngestLineError} names it. One transaction per event would cost a
 * commit each; one for the whole input would lose everything to one bad line
 * and hold the write lock for minutes — small groups are both fast and safe.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { InterruptedError, RunmetaError, ValidationError } from '../errors.js';
import { type InputLine, InputLineProblem, inputLines } from '../input-lines.js';
import type { RecordBatch } from '../manager/inputs.js';
import type { MetadataManager } from '../manager/metadata-manager.js';
import { AbortSignalOption, CallbackOption, DurationMs, parseOptions } from '../schema/options.js';
import type {
  MechanismUsageInput,
  ResolutionAssignmentInput,
  ValidationRecordInput,
} from '../schema/records.js';
import { INGEST_DEFAULTS, type IngestEventName } from './ingest-constants.js';
import { IngestLineError } from './ingest-error.js';
import {
  explainEventLine,
  type IngestEvent,
  NotAnEventProblem,
  readEventLine,
} from './ingest-events.js';

/**
 * The writes ingestion makes: a {@link MetadataManager}, or anything with these
 * methods that validates its inputs as the manager does (a line's fields are
 * checked by the call it becomes, not twice).
 */
export type IngestTarget = Pick<MetadataManager, 'startRun' | 'recordBatch' | 'completeRun'>;

/** One committed line, as `onCommit` receives it. */
export interface IngestAck {
  /** Its 1-based line number in the input. */
  line: number;
  event: IngestEventName;
  runId: string;
}

/** Options of {@link ingestEvents}. */
export interface IngestOptions {
  /** Most events committed in one transaction. Default 1000. */
  groupSize?: number;
  /** Commit the pending group when no input came for this long. Default 150 ms. */
  idleMs?: number;
  /** Commit the pending group at the latest this long after its first event. Default 1000 ms. */
  maxDelayMs?: number;
  /**
   * Called with the lines each transaction committed, in input order, before
   * more input is read; a promise it returns is awaited (back-pressure, e.g. a
   * full stdout).
   */
  onCommit?: (acks: readonly IngestAck[]) => void | Promise<void>;
  /**
   * Stops the ingestion: the pending group is committed, then an
   * `InterruptedError` says up to which line the input is committed.
   */
  signal?: AbortSignal;
}

/** What {@link ingestEvents} did. */
export interface IngestResult {
  /** Lines read, blank ones included. */
  lines: number;
  /** Events committed (one per non-blank line). */
  events: number;
}

const IngestOptionsSchema = z.strictObject({
  groupSize: z.optional(
    z
      .number()
      .check(
        z.int('must be a whole number'),
        z.gte(1, 'must be at least 1'),
        z.lte(1_000_000, 'must be at most 1000000'),
      ),
  ),
  idleMs: z.optional(DurationMs),
  maxDelayMs: z.optional(DurationMs),
  onCommit: z.optional(CallbackOption),
  signal: z.optional(AbortSignalOption),
});

/**
 * Write the events of a JSON-lines stream (SPEC §10): each line one object,
 * the SDK input of a write plus `event` (`start`, `mechanism`, `resolution`,
 * `validation`, `complete`) and `runId`, e.g.
 * `{"event":"mechanism","runId":"r1","mechanism":"M3","functionName":"seed_knowledge"}`.
 * Lines are validated like SDK calls (strict; the error names the field); blank
 * lines are skipped. Events are committed in small groups (see the options).
 *
 * The input is read a chunk at a time, only as fast as it is written (memory
 * stays flat for any size): a Node stream such as `process.stdin`, a web
 * `ReadableStream`, or any async iterable of text or UTF-8 bytes.
 *
 * @param target - the manager to write to, or a function opening it: called at
 *   the first write, so an input that is bad from its first line opens nothing.
 * @returns the lines read and the events committed.
 * @throws {@link IngestLineError} for the first bad line (or failed write):
 *   every line before it is committed, it and the lines after it are not.
 * @throws `InterruptedError` when `signal` aborts, once the lines read so far are committed.
 */
export async function ingestEvents(
  target: IngestTarget | (() => Promise<IngestTarget>),
  input: AsyncIterable<string | Uint8Array>,
  options: IngestOptions = {},
): Promise<IngestResult> {
  const given = parseOptions(IngestOptionsSchema, options) as IngestOptions;
  if (typeof target !== 'function' && (typeof target !== 'object' || target === null)) {
    throw new ValidationError('target', 'must be a MetadataManager or a function opening one');
  }
  if (
    typeof (input as { [Symbol.asyncIterator]?: unknown })?.[Symbol.asyncIterator] !== 'function'
  ) {
    throw new ValidationError('input', 'must be an async iterable of text or bytes (a stream)');
  }
  const ingestion = new Ingestion(target, { ...INGEST_DEFAULTS, ...given });
  return ingestion.run(input);
}

/** A line read as an event, not committed yet. */
interface PendingEvent {
  ack: IngestAck;
  /** The line itself, to tell its problem if the manager refuses it. */
  text: string;
  input: IngestEvent['input'];
}

/** A group of child events of one run, waiting to be committed. */
interface PendingGroup {
  runId: string;
  events: PendingEvent[];
  /** When its first event was read (ms since the epoch). */
  since: number;
}

/** Writes a set of pending events (all of them, or the ones before a bad line). */
type Write = (target: IngestTarget, events: readonly PendingEvent[]) => Promise<unknown>;

/** What a wait for input ended with besides input. */
const IDLE = Symbol('idle');
const ABORTED = Symbol('aborted');

/** One ingestion's state: the pending group, the counts, the target once opened. */
class Ingestion {
  private group: PendingGroup | null = null;
  private events = 0;
  private lastLine = 0;
  private opened: IngestTarget | null = null;

  constructor(
    private readonly target: IngestTarget | (() => Promise<IngestTarget>),
    private readonly options: IngestOptions & {
      groupSize: number;
      idleMs: number;
      maxDelayMs: number;
    },
  ) {}

  async run(input: AsyncIterable<string | Uint8Array>): Promise<IngestResult> {
    const chunks = inputLines(input)[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await this.waitFor(chunks.next());
        if (next.done) break;
        for (const line of next.value) await this.take(line);
        const group = this.group;
        if (group && Date.now() - group.since >= this.options.maxDelayMs) await this.flush();
      }
    } catch (error) {
      // What was read before the failure is good: commit it, then report.
      const problem =
        error instanceof InputLineProblem ? new IngestLineError(error.line, error.problem) : error;
      await this.flush();
      throw problem;
    }
    await this.flush();
    return { lines: this.lastLine, events: this.events };
  }

  /**
   * The next chunk of lines. While a group is pending, a pause in the input
   * commits it (after `idleMs`, or at once past `maxDelayMs`); an abort commits
   * it and stops.
   */
  private async waitFor<T>(next: Promise<T>): Promise<T> {
    const { signal, idleMs, maxDelayMs } = this.options;
    for (;;) {
      if (signal?.aborted) return this.stop();
      const group = this.group;
      if (!group && !signal) return next;
      const wait = group
        ? Math.max(0, Math.min(idleMs, group.since + maxDelayMs - Date.now()))
        : null;
      const outcome = await raceInput(next, wait, signal);
      if (outcome === ABORTED) return this.stop();
      if (outcome !== IDLE) return outcome;
      await this.flush();
    }
  }

  /** Commit what is pending, then stop for the abort. */
  private async stop(): Promise<never> {
    await this.flush();
    const last = this.lastLine;
    throw new InterruptedError(
      last === 0
        ? 'interrupted before any line was read; nothing was committed'
        : `interrupted after line ${last}; lines 1–${last} are committed`,
      this.options.signal?.reason,
      { hint: `Send the lines after line ${last} to carry on` },
    );
  }

  /** One line: skipped when blank, refused when bad, else written or added to the group. */
  private async take(line: InputLine): Promise<void> {
    this.lastLine = line.number;
    if (line.text.trim() === '') return;
    let event: IngestEvent;
    try {
      event = readEventLine(line.text);
    } catch (error) {
      throw refusal(line.number, error);
    }
    const { runId } = event;
    const pending: PendingEvent = {
      ack: { line: line.number, event: event.event, runId },
      text: line.text,
      input: event.input,
    };
    switch (event.event) {
      case 'start':
        await this.flush();
        await this.write([pending], (t) => t.startRun({ ...event.input, runId }));
        return;
      case 'complete':
        await this.flush();
        await this.write([pending], (t) => t.completeRun(runId, event.input));
        return;
    }
    if (this.group && this.group.runId !== runId) await this.flush();
    this.group ??= { runId, events: [], since: Date.now() };
    this.group.events.push(pending);
    if (this.group.events.length >= this.options.groupSize) await this.flush();
  }

  /** Commit the pending group in one `recordBatch` transaction. */
  private async flush(): Promise<void> {
    const group = this.group;
    if (!group) return;
    this.group = null;
    await this.write(group.events, (t, events) => t.recordBatch(group.runId, batchOf(events)));
  }

  /**
   * Write `events` in one call, then acknowledge them. When the call fails, the
   * error names the line to blame (see {@link blame}).
   */
  private async write(events: readonly PendingEvent[], write: Write): Promise<void> {
    try {
      await write(await this.open(), events);
    } catch (error) {
      throw await this.blame(events, write, error);
    }
    this.events += events.length;
    await this.options.onCommit?.(events.map((e) => e.ack));
  }

  /**
   * The line that made a write fail. A field the manager refused is one line's:
   * the first line its own schema refuses (the lines before it are valid, and
   * committed now). Anything else (an unknown or finished run, a locked
   * database) is about the whole write: its first line.
   */
  private async blame(
    events: readonly PendingEvent[],
    write: Write,
    error: unknown,
  ): Promise<unknown> {
    // An interruption (Ctrl-C during a migration on open) is not the line's doing.
    if (!(error instanceof RunmetaError) || error instanceof InterruptedError) return error;
    if (error instanceof ValidationError) {
      for (let i = 0; i < events.length; i++) {
        const problem = explainEventLine(events[i]!.text);
        if (!problem) continue;
        if (i > 0) await this.write(events.slice(0, i), write);
        return refusal(events[i]!.ack.line, problem);
      }
    }
    return new IngestLineError(events[0]!.ack.line, error);
  }

  private async open(): Promise<IngestTarget> {
    if (this.opened) return this.opened;
    const target = this.target;
    this.opened = typeof target === 'function' ? await target() : target;
    return this.opened;
  }
}

/** The batch of `recordBatch` for child events, each list in input order. */
function batchOf(events: readonly PendingEvent[]): RecordBatch {
  const batch = {
    mechanisms: [] as MechanismUsageInput[],
    resolutions: [] as ResolutionAssignmentInput[],
    validations: [] as ValidationRecordInput[],
  };
  for (const { ack, input } of events) {
    if (ack.event === 'mechanism') batch.mechanisms.push(input as MechanismUsageInput);
    else if (ack.event === 'resolution') batch.resolutions.push(input as ResolutionAssignmentInput);
    else batch.validations.push(input as ValidationRecordInput);
  }
  return batch;
}

/** The error for a line that is refused: it names the line. */
function refusal(line: number, error: unknown): unknown {
  if (error instanceof NotAnEventProblem) return new IngestLineError(line, error.message);
  if (error instanceof RunmetaError) return new IngestLineError(line, error);
  return error;
}

/**
 * `next`, unless `ms` pass first ({@link IDLE}; null: no limit) or `signal`
 * aborts ({@link ABORTED}). The timer and the listener are removed either way.
 */
function raceInput<T>(
  next: Promise<T>,
  ms: number | null,
  signal: AbortSignal | undefined,
): Promise<T | typeof IDLE | typeof ABORTED> {
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      done();
      resolve(ABORTED);
    };
    if (ms !== null) {
      timer = setTimeout(() => {
        done();
        resolve(IDLE);
      }, ms);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    next.then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}
