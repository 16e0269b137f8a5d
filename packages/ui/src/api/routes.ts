/**
 * The HTTP face of {@link RunsApi}, declared once: each method's path, how its
 * arguments become one query object, and how a query object is answered. The
 * server and the HTTP client are both derived from this table, so they cannot
 * disagree about a name.
 *
 * A query travels as URL parameters, each value JSON-encoded by the client
 * (`limit=10`, `includeArchive=true`, `where=%22status%20%3D%20'failed'%22`,
 * `runIds=["a","b"]`). The server reads a value that is not JSON as plain text,
 * so `?status=failed&limit=10` typed by hand works too. Core validates every
 * option, so an unknown or mistyped one is a typed error naming it.
 *
 * @packageDocumentation
 */
import type { RunsApi } from './runs-api.js';

/** A request's query: option name → value. */
export type ApiQuery = Record<string, unknown>;

/** One method of {@link RunsApi} over HTTP. */
export interface ApiRoute<K extends keyof RunsApi> {
  /** `GET` path, below the server's root. */
  readonly path: string;
  /** The method's arguments as one query object. */
  query(...args: Parameters<RunsApi[K]>): ApiQuery;
  /** Answer a query object with `api`. */
  answer(api: RunsApi, query: ApiQuery): ReturnType<RunsApi[K]>;
}

/** Every route, by the {@link RunsApi} method it serves. */
export type ApiRoutes = { readonly [K in keyof RunsApi]: ApiRoute<K> };

/** `{ runId, ...rest }` → the first argument and the rest, for methods that take an id first. */
function split<T>(query: ApiQuery, key: string): [T, ApiQuery] {
  const { [key]: first, ...rest } = query;
  return [first as T, rest];
}

/** The HTTP routes of the dashboard's API (all `GET`: the API never writes). */
export const API_ROUTES: ApiRoutes = {
  list: {
    path: '/api/runs',
    query: (options = {}) => ({ ...options }),
    answer: (api, query) => api.list(query),
  },
  count: {
    path: '/api/count',
    query: (filter = {}) => ({ ...filter }),
    answer: (api, query) => api.count(query),
  },
  run: {
    path: '/api/run',
    query: (runId, options = {}) => ({ runId, ...options }),
    answer: (api, query) => api.run(...split<string>(query, 'runId')),
  },
  compare: {
    path: '/api/compare',
    query: (runIds, options = {}) => ({ runIds, ...options }),
    answer: (api, query) => api.compare(...split<string[]>(query, 'runIds')),
  },
  summarize: {
    path: '/api/summary',
    query: (options = {}) => ({ ...options }),
    answer: (api, query) => api.summarize(query),
  },
  coverage: {
    path: '/api/coverage',
    query: (filter = {}) => ({ ...filter }),
    answer: (api, query) => api.coverage(query),
  },
  activity: {
    path: '/api/activity',
    query: (options = {}) => ({ ...options }),
    answer: (api, query) => api.activity(query),
  },
  histogram: {
    path: '/api/histogram',
    query: (options = {}) => ({ ...options }),
    answer: (api, query) => api.histogram(query),
  },
};

/** A query object as URL parameters, each value JSON (undefined values left out). */
export function encodeQuery(query: ApiQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.append(key, JSON.stringify(value));
  }
  return params.toString();
}

/**
 * URL parameters as a query object: each value parsed as JSON, or taken as
 * text when it is not JSON. A parameter given twice keeps its last value.
 */
export function decodeQuery(params: URLSearchParams): ApiQuery {
  const query: ApiQuery = {};
  for (const [key, text] of params) {
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      // Plain text, as typed by hand: `?status=failed`.
    }
    query[key] = value;
  }
  return query;
}

/**
 * `GET` path of the database's state: `{ "version": "…" }`, a token that
 * changes whenever anyone commits (null where it cannot be told, as on
 * PostgreSQL). A page asks it now and then to say that runs were written
 * since it was shown.
 */
export const STATE_PATH = '/api/state';
