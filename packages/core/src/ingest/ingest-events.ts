/**
 * The events of `runmeta ingest`: one JSON object per line, each the input of a
 * {@link MetadataManager} write with two more fields, `event` (which write) and
 * `runId` (which run). Their schemas are the SDK's input schemas extended by
 * those two fields, so a line is valid exactly when the SDK call would be.
 *
 * @packageDocumentation
 */
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import type { MetadataManager } from '../manager/metadata-manager.js';
import {
  MechanismUsageInput,
  ResolutionAssignmentInput,
  ValidationRecordInput,
} from '../schema/records.js';
import { CompleteRunInput, StartRunInput } from '../schema/run-metadata.js';
import { parseInput, previewValue } from '../schema/validate.js';
import { NonEmptyText } from '../schema/values.js';

/**
 * Each event `runmeta ingest` takes (the `event` field of a line), and the
 * {@link MetadataManager} method it becomes. Child events (mechanism,
 * resolution, validation) of one run that follow each other are recorded
 * together, through `recordBatch`.
 */
export const INGEST_EVENTS = {
  start: 'startRun',
  mechanism: 'recordMechanism',
  resolution: 'recordResolution',
  validation: 'recordValidation',
  complete: 'completeRun',
} as const satisfies Record<string, keyof MetadataManager>;

/** The name of an ingest event: `start`, `mechanism`, `resolution`, `validation` or `complete`. */
export type IngestEventName = keyof typeof INGEST_EVENTS;

const NAMES = Object.keys(INGEST_EVENTS) as IngestEventName[];

/** An SDK input schema with the two fields every line has. */
function eventOf<N extends IngestEventName, S extends z.ZodObject>(name: N, input: S) {
  return input.extend({ event: z.literal(name), runId: NonEmptyText });
}

/** The schema of each event's line. `runId` is required on every line, `start` included. */
const EVENT_SCHEMAS = {
  start: eventOf('start', StartRunInput),
  mechanism: eventOf('mechanism', MechanismUsageInput),
  resolution: eventOf('resolution', ResolutionAssignmentInput),
  validation: eventOf('validation', ValidationRecordInput),
  complete: eventOf('complete', CompleteRunInput),
} satisfies Record<IngestEventName, z.ZodType>;

/**
 * One valid line: which event, which run, and the SDK input (the line without
 * `event` and `runId`, as given: the manager validates it again, as every call).
 */
export type IngestEvent =
  | { event: 'start'; runId: string; input: StartRunInput }
  | { event: 'mechanism'; runId: string; input: MechanismUsageInput }
  | { event: 'resolution'; runId: string; input: ResolutionAssignmentInput }
  | { event: 'validation'; runId: string; input: ValidationRecordInput }
  | { event: 'complete'; runId: string; input: CompleteRunInput };

/** Why a line is not an event at all (not JSON, not an object): the caller numbers it. */
export class NotAnEventProblem extends Error {}

/**
 * Read one line as an event. Throws {@link NotAnEventProblem} for a line that
 * is not a JSON object, and the SDK's `ValidationError` (naming the field) for
 * an unknown event or invalid fields.
 */
export function parseEventLine(text: string): IngestEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new NotAnEventProblem(`is not JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new NotAnEventProblem(
      `must be a JSON object with an "event" field (got ${previewValue(value)})`,
    );
  }
  const name = (value as { event?: unknown }).event;
  if (name === undefined) {
    throw new ValidationError(
      'event',
      `is required (one of ${NAMES.join(', ')}) but was not given`,
    );
  }
  if (typeof name !== 'string' || !Object.hasOwn(EVENT_SCHEMAS, name)) {
    throw new ValidationError(
      'event',
      `must be one of ${NAMES.join(', ')} (got ${previewValue(name)})`,
    );
  }
  const schema = EVENT_SCHEMAS[name as IngestEventName];
  try {
    parseInput(schema, value);
  } catch (error) {
    // zod names a missing field before an unknown key; but `entity_id` given
    // for `entityId` is one mistake, better told as the key it is (with its
    // "did you mean"). Every field optional, only such a key (or a bad value) fails.
    if (Object.keys(value).some((key) => !Object.hasOwn(schema.shape, key))) {
      parseInput(schema.partial(), value);
    }
    throw error;
  }
  const { event, runId, ...input } = value as Record<string, unknown>;
  return { event, runId, input } as IngestEvent;
}
