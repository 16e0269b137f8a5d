/** The RunsApi the pages ask, provided once by whoever mounts the app. */
import { type InjectionKey, inject } from 'vue';
import type { RunsApi } from '../../src/api/runs-api';

export const RUNS_API: InjectionKey<RunsApi> = Symbol('runsApi');
/**
 * The same questions asked to be answered at once from an answer kept of an
 * older state of the database, marked stale (`quick`), and then the answer
 * being asked meanwhile (`asking`): the `runmeta ui` server's (see
 * `AnswerWait`). Whoever mounts the app without them (the in-page playground,
 * whose answers are always current) gets {@link RUNS_API}'s for both.
 */
export interface KeptRunsApis {
  quick: RunsApi;
  asking: RunsApi;
}
export const KEPT_RUNS_APIS: InjectionKey<KeptRunsApis> = Symbol('keptRunsApis');

/** The provided RunsApi (a page mounted without one is a bug: say so). */
export function useRunsApi(): RunsApi {
  const api = inject(RUNS_API);
  if (!api) throw new Error('runmeta ui: no RunsApi provided (app.provide(RUNS_API, api))');
  return api;
}

/** The provided quick and asking RunsApis, else the RunsApi itself for both. */
export function useKeptRunsApis(): KeptRunsApis {
  const kept = inject(KEPT_RUNS_APIS, null);
  if (kept) return kept;
  const api = useRunsApi();
  return { quick: api, asking: api };
}
