/**
 * The events `runmeta ingest` takes and its grouping defaults, as plain data:
 * kept apart from the line schemas and the ingestion loop (which load zod) so
 * that help text can quote them cheaply (`@runmeta/core/constants`).
 *
 * @packageDocumentation
 */
import type { MetadataManager } from '../manager/metadata-manager.js';

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

/** The defaults of `IngestOptions`' group sizes and delays. */
export const INGEST_DEFAULTS = { groupSize: 1000, idleMs: 150, maxDelayMs: 1000 } as const;
