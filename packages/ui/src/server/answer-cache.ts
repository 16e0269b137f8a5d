/**
 * Answers kept while the database is unchanged. The overview's questions read
 * every run (seconds at a million runs, most of it SQLite's own join and sort:
 * see the benchmark), yet the answer only changes when someone writes. So the
 * server asks each once per state of the database and answers again from
 * memory: going back to a page, switching the period and back, a second tab.
 * A write by anyone (a simulation still running, `runmeta ingest`) changes the
 * state and the next question is asked again, so an answer is never older than
 * the data it was asked of.
 *
 * @packageDocumentation
 */
import type { RunsApi } from '../api/runs-api.js';
import { HEAVY_QUESTIONS } from './worker-pool.js';

type Method = keyof RunsApi;

/** Options of {@link cacheAnswers}. */
export interface AnswerCacheOptions {
  /**
   * The database's state: a token that changes whenever anyone commits
   * (`MetadataManager.dataVersion` of a read-only, live manager of its own:
   * a connection's own writes do not change it). Null, or a refusal, keeps
   * nothing: every question is asked.
   */
  version(): Promise<string | null>;
  /**
   * The methods whose answers are kept (default: the questions that read every
   * run); each must take one options object, as those do.
   */
  methods?: readonly Method[];
  /** How many answers are kept (default 64); the least recently asked go first. */
  size?: number;
}

/** `value` as JSON with object keys sorted: the same question is the same key, whatever its key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * `api` with the answers of `options.methods` kept while `options.version()`
 * stays the same. Questions asked again while the first is still being
 * answered share its answer; a refusal is not kept. Every other method, and
 * `close`, pass through.
 *
 * @example
 * ```ts
 * const api = cacheAnswers(createWorkerRunsApi({ size: 2, start }), {
 *   version: () => manager.dataVersion(),
 * });
 * ```
 */
export function cacheAnswers<T extends RunsApi>(api: T, options: AnswerCacheOptions): T {
  const methods = options.methods ?? HEAVY_QUESTIONS;
  const size = options.size ?? 64;
  const kept = new Map<string, Promise<unknown>>();
  let state: string | null = null;

  const ask = async (method: Method, args: unknown[]): Promise<unknown> => {
    const call = () => (api[method] as (...a: unknown[]) => Promise<unknown>)(...args);
    // A state that cannot be read keeps nothing: the question is asked as if uncached.
    const version = await options.version().catch(() => null);
    if (version === null) return call();
    if (version !== state) {
      // Someone wrote: every kept answer is of an older database.
      kept.clear();
      state = version;
    }
    // Each kept method takes one options object: none is the same as `{}`.
    const key = `${method} ${canonical(args[0] ?? {})}`;
    const found = kept.get(key);
    if (found) {
      kept.delete(key); // most recently asked last: the first in line is the one to drop
      kept.set(key, found);
      return found;
    }
    const answer = call();
    kept.set(key, answer);
    if (kept.size > size) kept.delete(kept.keys().next().value as string);
    answer.catch(() => {
      if (kept.get(key) === answer) kept.delete(key);
    });
    return answer;
  };

  const cached = { ...api } as Record<string, unknown>;
  for (const method of methods) cached[method] = (...args: unknown[]) => ask(method, args);
  return cached as T;
}
