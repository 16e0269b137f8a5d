/**
 * The manager's writes to runs: starting one, recording its child events,
 * storing a summary, and closing runs whose process died. Each is one
 * transaction; inputs are validated before it starts, so an invalid item writes
 * nothing. Completing a run is in `complete-run.ts`, saving a whole one in
 * `save-run.ts`.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { TABLES, type TableDef } from '../columns/registry.js';
import type { RunMetadata } from '../columns/run-record.js';
import { RunNotFoundError, ValidationError } from '../errors.js';
import { recordBatchArgument, runIdArgument } from '../schema/arguments.js';
import { CloseStaleRunsOptions, parseOptions } from '../schema/options.js';
import {
  MechanismUsageInput,
  ResolutionAssignmentInput,
  ValidationRecordInput,
} from '../schema/records.js';
import { StartRunInput } from '../schema/run-metadata.js';
import { givenStrategy } from '../schema/strategy.js';
import { parseInput } from '../schema/validate.js';
import { nowIso } from '../schema/values.js';
import { explainMissing, type ManagerContext } from './context.js';
import type { RecordBatch } from './inputs.js';
import { presentRunIds } from './run-pages.js';
import { findStaleRuns } from './run-reads.js';
import { insertChildRows, insertRun, readRunState, runExists, updateRun } from './run-sql.js';
import { claimOpenRun } from './run-state.js';

/** A new run id: `run_<UTC date>_<time>_<8 hex digits>`. */
function generateRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
  const bytes = new Uint8Array(4);
  globalThis.crypto.getRandomValues(bytes);
  return `run_${stamp}_${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Start a run (status `running`) and return it as stored. */
export async function startRun(
  context: ManagerContext,
  input: StartRunInput,
): Promise<RunMetadata> {
  const value = parseInput(StartRunInput, input);
  const createdAt = value.createdAt ?? nowIso();
  const strategy = givenStrategy(value);
  const runId = value.runId ?? generateRunId();
  const fields: Record<string, unknown> = {
    runId,
    templateId: value.templateId,
    createdAt,
    updatedAt: createdAt,
    causalMode: value.causalMode,
    goal: value.goal,
    originDescription: value.originDescription,
    portalDescription: value.portalDescription,
    portalYear: value.portalYear,
    originYear: value.originYear,
    backwardSteps: value.backwardSteps,
    status: 'running',
    entitiesCreated: 0,
    timepointsCreated: 0,
    trainingExamples: 0,
    costUsd: 0,
    llmCalls: 0,
    tokensUsed: 0,
    schemaVersion: '2.0',
    fidelityStrategy: strategy,
    startedAt: createdAt, // deployed files declare started_at NOT NULL
  };
  // An id of the read-only archive would silently shadow that run wherever both
  // databases are read (the active copy wins): refused like any duplicate.
  if (value.runId !== undefined) await refuseArchivedId(context, runId);
  // The stored row comes back from the INSERT itself (RETURNING): no second
  // read, and the result is exactly what this transaction wrote.
  const { columns, db } = context;
  return columns.write(db, async (tx) => {
    if (!columns.runIdIsKey && (await runExists(tx, runId))) throw duplicateRun(runId);
    try {
      return await insertRun(tx, columns, fields);
    } catch (error) {
      throw isDuplicateKey(error, 'runs', 'run_id') ? duplicateRun(runId) : error;
    }
  });
}

/** Refuse a given run id that the read-only archive already holds. */
async function refuseArchivedId(context: ManagerContext, runId: string): Promise<void> {
  const archive = await context.archive.open().catch(() => null);
  if (archive?.columns.length && (await presentRunIds(archive.db, [runId])).size) {
    throw new ValidationError(
      'runId',
      `a run with id "${runId}" already exists, in the read-only v1 archive ${context.adapter.describe(archive.name)}`,
      { hint: 'Choose another id (or leave it out to get a new one); nothing was written' },
    );
  }
}

/** The error for a second run with an existing id. */
function duplicateRun(runId: string): ValidationError {
  return new ValidationError('runId', `a run with id "${runId}" already exists`);
}

/** Whether `error` is the engine refusing a duplicate `table.column` value. */
function isDuplicateKey(error: unknown, table: string, column: string): boolean {
  return error instanceof ValidationError && error.field === `${table}.${column}`;
}

/**
 * Record mechanisms, resolutions and validations of one open run in a single
 * transaction: all rows land, or none do.
 */
export async function recordBatch(
  context: ManagerContext,
  runId: string,
  batch: RecordBatch,
): Promise<void> {
  runId = runIdArgument(runId, 'write');
  batch = recordBatchArgument(batch) as RecordBatch;
  const now = nowIso();
  const children: [TableDef, Record<string, unknown>[]][] = [
    [
      TABLES.mechanismUsage,
      (batch.mechanisms ?? []).map((m, i) =>
        parseInput(MechanismUsageInput, m, `mechanisms[${i}]`),
      ),
    ],
    [
      TABLES.resolutionAssignments,
      (batch.resolutions ?? []).map((r, i) =>
        parseInput(ResolutionAssignmentInput, r, `resolutions[${i}]`),
      ),
    ],
    [
      TABLES.validations,
      (batch.validations ?? []).map((v, i) =>
        parseInput(ValidationRecordInput, v, `validations[${i}]`),
      ),
    ],
  ];
  const shared = { runId, timestamp: now };
  const { columns, db } = context;
  await columns
    .write(db, async (tx) => {
      // Touching updated_at first doubles as the check that the run exists and
      // is not finished (a finished run's record is final).
      await claimOpenRun(tx, runId, now, columns.of('runs'));
      for (const [table, rows] of children) {
        if (rows.length === 0) continue;
        await insertChildRows(tx, table, rows, shared);
      }
    })
    .catch((error: unknown) => explainMissing(context, error, runId));
}

/** Store a run summary (the deployed `summary` column is added on first use). */
export async function updateSummary(
  context: ManagerContext,
  runId: string,
  summary: string,
): Promise<RunMetadata> {
  runId = runIdArgument(runId, 'write');
  const text = parseInput(z.string(), summary, 'summary');
  const { columns, db } = context;
  return columns
    .write(db, async (tx) => {
      if (!(await runExists(tx, runId))) throw new RunNotFoundError(runId);
      return (await updateRun(tx, columns, runId, {
        summary: text,
        summaryGeneratedAt: nowIso(),
      }))!;
    })
    .catch((error: unknown) => explainMissing(context, error, runId));
}

/**
 * Close the stale runs of the active database as `failed`, with the reason as
 * their error message, in one transaction; returns them as they are now.
 */
export async function closeStaleRuns(
  context: ManagerContext,
  given: { olderThanMs: number; reason?: string; now?: Date },
): Promise<RunMetadata[]> {
  const options = parseOptions(CloseStaleRunsOptions, given);
  const stale = await findStaleRuns(context, {
    olderThanMs: options.olderThanMs,
    now: options.now,
  });
  const reason =
    options.reason ??
    `closed by runmeta: still running after ${Math.round(options.olderThanMs / 60_000)} min`;
  const now = (options.now ?? new Date()).toISOString();
  const { columns, db } = context;
  return columns.write(db, async (tx) => {
    const closed: RunMetadata[] = [];
    for (const run of stale) {
      // It may have finished since it was found: a finished run's record is final.
      const state = await readRunState(tx, columns.of('runs'), run.runId);
      if (state?.status !== 'running') continue;
      const updated = await updateRun(tx, columns, run.runId, {
        status: 'failed',
        errorMessage: reason,
        updatedAt: now,
        completedAt: now,
      });
      if (updated) closed.push(updated);
    }
    return closed;
  });
}
