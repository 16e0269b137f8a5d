/**
 * The events of `runmeta ingest`: one JSON object per line, each the input of a
 * {@link MetadataManager} write with two more fields, `event` (which write) and
 * `runId` (which run). Their schemas are the SDK's input schemas extended by
 * those two fields, so a line is valid exactly when the SDK call would be.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { ValidationError } from '../errors.js';
import {
  MechanismUsageInput,
  ResolutionAssignmentInput,
  ValidationRecordInput,
} from '../schema/records.js';
import { CompleteRunInput, StartRunInput } from '../schema/run-metadata.js';
import { parseInput, previewValue } from '../schema/validate.js';
import { NonEmptyText } from '../schema/values.js';
import { INGEST_EVENTS, type IngestEventName } from './ingest-constants.js';

const NAMES = Object.keys(INGEST_EVENTS) as IngestEventName[];

/** An SDK input schema with the two fields every line has. */
function eventOf<N extends IngestEventName, S extends z.ZodMiniObject>(name: N, input: S) {
  return z.extend(input, { event: z.literal(name), runId: NonEmptyText });
}

/** The schema of each event's line. `runId` is required on every line, `start` included. */
const EVENT_SCHEMAS = {
  start: eventOf('start', StartRunInput),
  mechanism: eventOf('mechanism', MechanismUsageInput),
  resolution: eventOf('resolution', ResolutionAssignmentInput),
  validation: eventOf('validation', ValidationRecordInput),
  complete: eventOf('complete', CompleteRunInput),
} satisfies Record<IngestEventName, z.ZodMiniType>;

/**
 * One line read as an event: which event, which run, and the SDK input (the
 * line without `event` and `runId`, as given). Its fields are checked by the
 * manager call it becomes, as every SDK call is checked.
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
 * Read one line as an event: JSON, an object, a known `event`, a `runId`. The
 * other fields are left to the manager call, which validates them anyway (once
 * is enough for the fast path; {@link explainEventLine} tells a refused line's
 * problem). Throws {@link NotAnEventProblem} for a line that is not a JSON
 * object, and a `ValidationError` naming `event` or `runId`.
 */
export function readEventLine(text: string): IngestEvent {
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
  const { event, runId, ...input } = value as Record<string, unknown>;
  if (event === undefined) {
    throw new ValidationError(
      'event',
      `is required (one of ${NAMES.join(', ')}) but was not given`,
    );
  }
  if (typeof event !== 'string' || !Object.hasOwn(EVENT_SCHEMAS, event)) {
    throw new ValidationError(
      'event',
      `must be one of ${NAMES.join(', ')} (got ${previewValue(event)})`,
    );
  }
  if (typeof runId !== 'string' || runId === '') parseInput(NonEmptyText, runId, 'runId');
  return { event, runId, input } as IngestEvent;
}

/**
 * The problem with a line the manager refused, told against the line's own
 * schema (so the field is named as the line has it, `functionName`, not
 * `mechanisms[3].functionName`): the `ValidationError` or
 * {@link NotAnEventProblem} it throws, or null when the line is valid as such
 * (the manager refused it for another reason, e.g. a duplicate run id).
 */
export function explainEventLine(text: string): Error | null {
  let event: IngestEvent;
  try {
    event = readEventLine(text);
  } catch (error) {
    return error as Error;
  }
  const value = JSON.parse(text) as Record<string, unknown>;
  const schema = EVENT_SCHEMAS[event.event];
  try {
    parseInput(schema, value);
    return null;
  } catch (error) {
    // zod names a missing field before an unknown key; but `entity_id` given
    // for `entityId` is one mistake, better told as the key it is (with its
    // "did you mean"). Every field optional, only such a key (or a bad value) fails.
    if (Object.keys(value).some((key) => !Object.hasOwn(schema.shape, key))) {
      try {
        parseInput(z.partial(schema), value);
      } catch (unknownKey) {
        return unknownKey as Error;
      }
    }
    return error as Error;
  }
}
