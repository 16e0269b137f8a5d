/**
 * {@link RunsApi} in process, over a `MetadataManager`: each method is one of
 * core's questions (list, count, compare, summarize, coverage, activity, histogram) or the run's own
 * reads. The `runmeta ui` server answers HTTP with it; a page running
 * `@runmeta/browser-wasm` uses it directly.
 *
 * @packageDocumentation
 */
import {
  compareRuns,
  countRuns,
  formatSnapshotForLlm,
  listRuns,
  type MetadataManager,
  mechanismCoverage,
  runActivity,
  runHistogram,
  summarizeRuns,
} from '@runmeta/core';
import type { RunDetail, RunDetailOptions, RunsApi } from './runs-api.js';

/**
 * The dashboard's questions answered by `manager` (open it read-only: nothing
 * here writes).
 *
 * @example
 * ```ts
 * const manager = await openRunDatabase('metadata/runs.db', { readOnly: true });
 * const api = createRunsApi(manager);
 * const { runs } = await api.list({ sort: 'cost:desc', limit: 10 });
 * ```
 */
export function createRunsApi(manager: MetadataManager): RunsApi {
  return {
    list: (options = {}) => listRuns(manager, options),
    count: (filter = {}) => countRuns(manager, filter),
    run: (runId, options = {}) => runDetail(manager, runId, options),
    compare: (runIds, options = {}) => compareRuns(manager, runIds, options),
    summarize: (options = {}) => summarizeRuns(manager, options),
    coverage: (filter = {}) => mechanismCoverage(manager, filter),
    activity: (options = {}) => runActivity(manager, options),
    histogram: (options = {}) => runHistogram(manager, options),
  };
}

async function runDetail(
  manager: MetadataManager,
  runId: string,
  options: RunDetailOptions,
): Promise<RunDetail> {
  const includeArchive = !!options.includeArchive;
  // getRun first: an unknown id is one RunNotFoundError, before any child read.
  const run = await manager.getRun(runId, { includeArchive });
  const [mechanisms, resolutions, validations, snapshot] = [
    await manager.getMechanisms(runId, { includeArchive }),
    await manager.getResolutions(runId, { includeArchive }),
    await manager.getValidations(runId, { includeArchive }),
    await manager.getSnapshot(runId, { includeArchive }),
  ];
  return { run, mechanisms, resolutions, validations, snapshot: formatSnapshotForLlm(snapshot) };
}
