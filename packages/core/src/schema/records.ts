/**
 * The child records of a run (mechanism events, resolution assignments, validations): their write shapes and their read types.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { type Lenient, ResolutionLevel } from './enums.js';
import type { ReadIssue } from './read-issue.js';
import { JsonObject, MechanismId, NonEmptyText, Timestamp } from './values.js';

/** A mechanism event to record (write shape). */
export const MechanismUsageInput = z.strictObject({
  mechanism: MechanismId,
  functionName: NonEmptyText,
  context: z.nullish(JsonObject),
  timestamp: z.optional(Timestamp),
});
export type MechanismUsageInput = z.input<typeof MechanismUsageInput>;

/** What every read child record may carry besides its fields (reads are lossless). */
export interface ChildRecordExtras {
  /** Columns runmeta does not know, with their raw values. */
  extra?: Record<string, unknown>;
  /** Values that could not be decoded; the raw value is kept here. */
  readIssues?: ReadIssue[];
}

/** A recorded mechanism event (read shape). */
export interface MechanismUsage extends ChildRecordExtras {
  id: number | null;
  runId: string;
  mechanism: string;
  functionName: string;
  timestamp: string | null;
  context: unknown;
}

/** A per-entity resolution (fidelity) assignment to record (write shape). */
export const ResolutionAssignmentInput = z.strictObject({
  entityId: NonEmptyText,
  resolution: ResolutionLevel,
  timepointId: NonEmptyText,
  timestamp: z.optional(Timestamp),
});
export type ResolutionAssignmentInput = z.input<typeof ResolutionAssignmentInput>;

/** A recorded resolution assignment (read shape). */
export interface ResolutionAssignment extends ChildRecordExtras {
  id: number | null;
  runId: string;
  entityId: string;
  resolution: Lenient<ResolutionLevel>;
  timepointId: string;
  timestamp: string | null;
}

/** A validation outcome to record (write shape). */
export const ValidationRecordInput = z.strictObject({
  validatorName: NonEmptyText,
  passed: z.boolean(),
  message: z.nullish(z.string()),
  violations: z._default(z.array(z.string()), []),
  timestamp: z.optional(Timestamp),
});
export type ValidationRecordInput = z.input<typeof ValidationRecordInput>;

/** A recorded validation (read shape). */
export interface ValidationRecord extends ChildRecordExtras {
  id: number | null;
  runId: string;
  validatorName: string;
  passed: boolean;
  timestamp: string | null;
  message: string | null;
  violations: string[];
}
