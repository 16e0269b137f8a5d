/**
 * `@runmeta/ui` — the dashboard's API: one {@link RunsApi} answered in process
 * ({@link createRunsApi}) or over HTTP ({@link createHttpRunsApi}), with the
 * routes both derive from. The Node server behind `runmeta ui` is the
 * `@runmeta/ui/server` entry.
 *
 * @packageDocumentation
 */
export {
  ANSWER_WAIT_HEADER,
  type AnswerAge,
  type AnswerWait,
  AS_OF_HEADER,
  answerAge,
  STALE_HEADER,
  withAge,
} from './api/answer-age.js';
export {
  ApiError,
  createHttpRunsApi,
  databaseVersion,
  type HttpRunsApiOptions,
} from './api/http-client.js';
export { createRunsApi } from './api/manager-api.js';
export { type OverviewQuestions, overviewQuestions } from './api/overview-questions.js';
export {
  API_ROUTES,
  type ApiQuery,
  type ApiRoute,
  type ApiRoutes,
  decodeQuery,
  encodeQuery,
  STATE_PATH,
} from './api/routes.js';
export type { RunDetail, RunDetailOptions, RunsApi } from './api/runs-api.js';
export type { ApiErrorBody } from './api/wire.js';
