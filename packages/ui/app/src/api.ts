/** The RunsApi the pages ask, provided once by whoever mounts the app. */
import { type InjectionKey, inject } from 'vue';
import type { RunsApi } from '../../src/api/runs-api';

export const RUNS_API: InjectionKey<RunsApi> = Symbol('runsApi');
/**
 * A RunsApi that may answer at once with an answer kept of an older state of
 * the database, marked stale (`answerAge`): the `runmeta ui` server's. Whoever
 * mounts the app without one (the in-page playground, whose answers are always
 * current) gets {@link RUNS_API}'s.
 */
export const QUICK_RUNS_API: InjectionKey<RunsApi> = Symbol('quickRunsApi');

/** The provided RunsApi (a page mounted without one is a bug: say so). */
export function useRunsApi(): RunsApi {
  const api = inject(RUNS_API);
  if (!api) throw new Error('runmeta ui: no RunsApi provided (app.provide(RUNS_API, api))');
  return api;
}

/** The provided quick RunsApi, else the RunsApi itself. */
export function useQuickRunsApi(): RunsApi {
  return inject(QUICK_RUNS_API, null) ?? useRunsApi();
}
