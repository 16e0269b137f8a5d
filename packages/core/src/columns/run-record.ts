/**
 * The type of a run as read from a database, derived from the column registry:
 * one field per documented and deployed column, plus what reading adds.
 *
 * @packageDocumentation
 */
import type { ReadIssue } from '../schema/read-issue.js';
import type { CANONICAL_RUN_COLUMNS, ColumnDef, DEPLOYED_RUN_COLUMNS } from './registry.js';

type ValueOf<C> = C extends ColumnDef<infer T> ? T : never;

/** The 27 documented fields of a run, each `null` when unset or absent from the table. */
export type CanonicalRunFields = {
  -readonly [K in Exclude<keyof typeof CANONICAL_RUN_COLUMNS, 'runId'>]: ValueOf<
    (typeof CANONICAL_RUN_COLUMNS)[K]
  > | null;
} & {
  /** The primary key: always present. */
  runId: string;
};
/** Fields of known deployed columns, present when the table has the column. */
export type DeployedRunFields = {
  -readonly [K in keyof typeof DEPLOYED_RUN_COLUMNS]?: ValueOf<
    (typeof DEPLOYED_RUN_COLUMNS)[K]
  > | null;
};

/** Which database a run was read from. */
export type RunSource = 'active' | 'archive';

/**
 * A run as read from a database. Reads are lenient and lossless: unknown enum
 * values stay as strings (flagged in `readIssues`), columns runmeta does not know
 * land in `extra` under their own names, and a v1 row reports `schemaVersion` 1.0.
 */
export type RunMetadata = CanonicalRunFields &
  DeployedRunFields & {
    /** Columns runmeta does not know, by their SQL name, with their raw values. */
    extra: Record<string, unknown>;
    /** Where the run came from (set by `getAllRuns({ includeArchive })`). */
    source?: RunSource;
    /** Odd stored values (unknown enum, bad JSON); the raw value is kept here. */
    readIssues?: ReadIssue[];
    /** Distinct mechanisms used, sorted M1..M17 (when asked for). */
    mechanismsUsed?: string[];
  };
