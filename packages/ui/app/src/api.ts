/** The RunsApi the pages ask, provided once by whoever mounts the app. */
import { type InjectionKey, inject } from 'vue';
import type { RunsApi } from '../../src/api/runs-api';

export const RUNS_API: InjectionKey<RunsApi> = Symbol('runsApi');

/** The provided RunsApi (a page mounted without one is a bug: say so). */
export function useRunsApi(): RunsApi {
  const api = inject(RUNS_API);
  if (!api) throw new Error('runmeta ui: no RunsApi provided (app.provide(RUNS_API, api))');
  return api;
}
