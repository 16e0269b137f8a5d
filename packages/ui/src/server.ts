/**
 * `@runmeta/ui/server` — the local server behind `runmeta ui` (Node only): the
 * dashboard's API over a `RunsApi` (from `@runmeta/ui`) and the built app, on 127.0.0.1,
 * read-only.
 *
 * @packageDocumentation
 */

export { AnsweredError } from './api/wire.js';
export { DEFAULT_UI_PORT } from './constants.js';
export {
  type AnswerCacheOptions,
  cacheAnswers,
  type KeptAnswers,
} from './server/answer-cache.js';
export {
  startUiServer,
  type UiServer,
  UiServerError,
  type UiServerOptions,
} from './server/serve.js';
export {
  createWorkerRunsApi,
  HEAVY_QUESTIONS,
  serveRunsApiInWorker,
  type WorkerPoolOptions,
  type WorkerRunsApi,
} from './server/worker-pool.js';
