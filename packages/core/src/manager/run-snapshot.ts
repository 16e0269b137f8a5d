/**
 * The snapshot of a run: its identity, counts, mechanisms and v2
 * metrics in one object for `formatSnapshotForLlm`. A v1 run (archived, or
 * carried over without backfill) gets the metrics its v1 data allows, computed
 * as backfill would, and says which ones in `derivedFromV1`.
 *
 * @packageDocumentation
 */
import { TABLES, V1_SCHEMA_VERSION } from '../columns/registry.js';
import { sortMechanisms } from '../metrics/mechanisms.js';
import { metricsFromV1 } from '../metrics/v1-metrics.js';
import { runIdArgument } from '../schema/arguments.js';
import { parseOptions, SnapshotOptionsSchema } from '../schema/options.js';
import type { MechanismUsage, ResolutionAssignment } from '../schema/records.js';
import { type SimulationSnapshot, V1_DERIVED_FIELDS } from '../snapshot/snapshot.js';
import type { ManagerContext } from './context.js';
import type { SnapshotOptions } from './inputs.js';
import { childRecords, getRun } from './run-reads.js';

/** The snapshot of `runId`, looked up in the archive too when asked. */
export async function getSnapshot(
  context: ManagerContext,
  runId: string,
  given: SnapshotOptions,
): Promise<SimulationSnapshot> {
  runId = runIdArgument(runId, 'read');
  const options = parseOptions(SnapshotOptionsSchema, given) as SnapshotOptions;
  const run = await getRun(context, runId, { includeArchive: options.includeArchive });
  const fromArchive = { includeArchive: run.source === 'archive' };
  // Through the child reader: a database without a mechanism_usage table (the
  // documented v1 form) has no events rather than failing the snapshot.
  const events = await childRecords<MechanismUsage>(
    context,
    TABLES.mechanismUsage,
    runId,
    fromArchive,
  );
  const mechanisms = [...new Set(events.map((event) => String(event.mechanism)))];
  const snapshot: SimulationSnapshot = {
    runId,
    templateId: run.templateId,
    causalMode: run.causalMode,
    status: run.status,
    entitiesCreated: run.entitiesCreated,
    timepointsCreated: run.timepointsCreated,
    mechanismsUsed: sortMechanisms(mechanisms),
    costUsd: run.costUsd,
    fidelityDistribution: run.fidelityDistribution,
    actualTokensUsed: run.actualTokensUsed,
    tokenBudgetCompliance: run.tokenBudgetCompliance,
    fidelityEfficiencyScore: run.fidelityEfficiencyScore,
    narrative: options.narrative ?? null,
    schemaVersion: run.schemaVersion,
  };
  if (run.schemaVersion === V1_SCHEMA_VERSION) {
    const resolutions = await childRecords<ResolutionAssignment>(
      context,
      TABLES.resolutionAssignments,
      runId,
      fromArchive,
    );
    const computed = metricsFromV1(run, resolutions);
    const derived: NonNullable<SimulationSnapshot['derivedFromV1']> = [];
    for (const field of V1_DERIVED_FIELDS) {
      if (snapshot[field] === null && computed[field] !== null) {
        (snapshot as Record<string, unknown>)[field] = computed[field];
        derived.push(field);
      }
    }
    snapshot.derivedFromV1 = derived;
  }
  return snapshot;
}
