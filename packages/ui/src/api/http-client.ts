/**
 * {@link RunsApi} over HTTP: what the dashboard served by `runmeta ui` uses.
 * Each method is a `GET` of its route in {@link API_ROUTES}; a refusal becomes
 * an {@link ApiError} carrying the server's problem and hint.
 *
 * @packageDocumentation
 */
import {
  ANSWER_WAIT_HEADER,
  type AnswerWait,
  AS_OF_HEADER,
  STALE_HEADER,
  withAge,
} from './answer-age.js';
import { API_ROUTES, type ApiRoute, encodeQuery, STATE_PATH } from './routes.js';
import type { RunsApi } from './runs-api.js';
import type { ApiErrorBody } from './wire.js';

/** A request the server refused, or could not be reached for. */
export class ApiError extends Error {
  /** The HTTP status (0 when the server could not be reached). */
  readonly status: number;
  /** Core's error code, or `RUNMETA_UI`. */
  readonly code: string;
  /** What went wrong. */
  readonly problem: string;
  /** What to do about it, when there is advice. */
  readonly hint: string | null;
  /** The option a validation error rejected, in SDK words (`options.sort`), else null. */
  readonly field: string | null;

  constructor(status: number, body: ApiErrorBody['error']) {
    super(body.hint ? `${body.problem}. ${body.hint}` : body.problem);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.problem = body.problem;
    this.hint = body.hint;
    this.field = body.field ?? null;
  }
}

/** Options of {@link createHttpRunsApi}. */
export interface HttpRunsApiOptions {
  /** Where the server is, e.g. `http://127.0.0.1:4173` (default: the page's own origin). */
  baseUrl?: string;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /**
   * Which answer to wait for (default `current`). With `quick` the server may
   * answer at once with an answer it kept of an older state of the database,
   * which says so (`answerAge(answer)?.stale`), while it asks the current one;
   * `asking` then waits for that one.
   */
  wait?: AnswerWait;
}

/** Where the server is (default the page's origin) and the fetch to ask it with. */
function serverOf(options: Pick<HttpRunsApiOptions, 'baseUrl' | 'fetch'>) {
  return {
    base:
      options.baseUrl ?? (globalThis as { location?: { origin: string } }).location?.origin ?? '',
    fetchImpl: options.fetch ?? globalThis.fetch.bind(globalThis),
  };
}

/**
 * The dashboard's questions asked of a `runmeta ui` server.
 *
 * @example
 * ```ts
 * const api = createHttpRunsApi({ baseUrl: 'http://127.0.0.1:4173' });
 * const { runs } = await api.list({ sort: 'cost:desc', limit: 10 });
 * ```
 */
export function createHttpRunsApi(options: HttpRunsApiOptions = {}): RunsApi {
  const { base, fetchImpl } = serverOf(options);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.wait && options.wait !== 'current') headers[ANSWER_WAIT_HEADER] = options.wait;
  const call = <K extends keyof RunsApi>(route: ApiRoute<K>): RunsApi[K] =>
    (async (...args: Parameters<RunsApi[K]>) => {
      const url = `${base}${route.path}?${encodeQuery(route.query(...args))}`;
      let response: Response;
      try {
        response = await fetchImpl(url, { headers });
      } catch (error) {
        throw new ApiError(0, {
          name: 'Error',
          code: 'RUNMETA_UI',
          problem: `the runmeta ui server at ${base || 'this page'} cannot be reached (${error instanceof Error ? error.message : String(error)})`,
          hint: 'Check that `runmeta ui` is still running, then reload',
        });
      }
      const body = (await response.json()) as unknown;
      if (!response.ok) throw new ApiError(response.status, (body as ApiErrorBody).error);
      const asOf = response.headers.get(AS_OF_HEADER);
      return asOf === null
        ? body
        : withAge(body, { asOf, stale: response.headers.get(STALE_HEADER) === 'true' });
    }) as RunsApi[K];
  return {
    list: call(API_ROUTES.list),
    count: call(API_ROUTES.count),
    run: call(API_ROUTES.run),
    compare: call(API_ROUTES.compare),
    summarize: call(API_ROUTES.summarize),
    coverage: call(API_ROUTES.coverage),
    activity: call(API_ROUTES.activity),
    histogram: call(API_ROUTES.histogram),
  };
}

/**
 * The database's state as the `runmeta ui` server at `options.baseUrl` (default
 * the page's origin) tells it: a token that changes whenever anyone commits,
 * or null where it cannot be told. A page compares two to know that runs were
 * written meanwhile.
 */
export async function databaseVersion(
  options: Pick<HttpRunsApiOptions, 'baseUrl' | 'fetch'> = {},
): Promise<string | null> {
  const { base, fetchImpl } = serverOf(options);
  try {
    const response = await fetchImpl(`${base}${STATE_PATH}`, {
      headers: { accept: 'application/json' },
    });
    if (!response.ok) return null;
    const { version } = (await response.json()) as { version?: unknown };
    return typeof version === 'string' ? version : null;
  } catch {
    return null; // not reachable, or not a runmeta ui server: nothing can be told
  }
}
