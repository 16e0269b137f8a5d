/**
 * What the tests of `ingestEvents` share: a target that records its calls and
 * validates them as the manager does, inputs given at once or written while
 * the ingestion reads them, and event builders.
 */
import type { RunMetadata } from '../columns/run-record.js';
import type { RecordBatch } from '../manager/inputs.js';
import {
  MechanismUsageInput,
  ResolutionAssignmentInput,
  ValidationRecordInput,
} from '../schema/records.js';
import { CompleteRunInput, StartRunInput } from '../schema/run-metadata.js';
import { parseInput } from '../schema/validate.js';
import type { IngestTarget } from './ingest.js';

export type Call =
  | ['startRun', Record<string, unknown>]
  | ['recordBatch', string, { m: number; r: number; v: number }]
  | ['completeRun', string, Record<string, unknown>];

/** A target that records its calls; `fail` may throw for a call instead. */
export function recorder(fail?: (call: Call) => Error | undefined) {
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
export async function* linesOf(...items: (string | object)[]): AsyncGenerator<string> {
  yield items.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join('\n');
}

/** An input the test writes to while the ingestion reads it. */
export function pushable() {
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
export async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

export const start = (runId: string) => ({
  event: 'start',
  runId,
  templateId: 'board_meeting',
  causalMode: 'directorial',
});
export const mechanism = (runId: string, n = 1) => ({
  event: 'mechanism',
  runId,
  mechanism: `M${n}`,
  functionName: `step_${n}`,
});
export const complete = (runId: string) => ({
  event: 'complete',
  runId,
  entitiesCreated: 1,
  timepointsCreated: 1,
  costUsd: 0.01,
  tokensUsed: 100,
});
