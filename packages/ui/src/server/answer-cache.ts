/**
 * Answers kept while the database is unchanged. The overview's questions read
 * every run (seconds at a million runs, most of it SQLite's own join and sort:
 * see the benchmark), yet the answer only changes when someone writes. So the
 * server asks each once per state of the database and answers again from
 * memory: going back to a page, switching the period and back, a second tab.
 *
 * A write by anyone (a simulation still running, `runmeta ingest`) changes the
 * state. A caller that wants the current answer then waits for it to be asked
 * again; a caller that accepts an older one (the dashboard's pages) gets the
 * kept answer at once, marked as of when it was asked ({@link answerAge}),
 * while the current one is asked — once, however many ask.
 *
 * @packageDocumentation
 */
import { type AnswerWait, withAge } from '../api/answer-age.js';
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
  /**
   * How many questions' answers are kept (default 64); the least recently
   * asked go first. Each question keeps one answer (the latest it was given)
   * across writes, so memory holds at most this many answers.
   */
  size?: number;
}

/** What {@link cacheAnswers} returns: three faces of the same kept answers (see {@link AnswerWait}). */
export interface KeptAnswers<T extends RunsApi> {
  /** Answers of the database as it is now: kept while nobody writes, asked again after a write. */
  current: T;
  /**
   * Answers at once when any answer to the question is kept, even of an older
   * state of the database: that one is marked stale ({@link answerAge}) and the
   * current one is asked meanwhile, for whoever asks next. A question never
   * asked waits for its answer, as with {@link KeptAnswers.current}.
   */
  quick: T;
  /**
   * The answer being asked since a {@link KeptAnswers.quick} one was stale,
   * when it comes — even if someone wrote again meanwhile (it is of the
   * database as it was when that asking began, as its `asOf` says); when none
   * is being asked, as {@link KeptAnswers.current}. What a page asks after a
   * stale answer, so it waits for the asking already under way rather than
   * starting another behind it.
   */
  asking: T;
}

/** An answer asked of one state of the database. */
interface Asking {
  /** Its order among the askings of the question: a later one is of a later state. */
  seq: number;
  version: string;
  asOf: string;
  answer: Promise<unknown>;
}

/** One question's kept answer and the asking of a newer one. */
interface Entry {
  settled?: Asking & { value: unknown };
  pending?: Asking;
}

/** A shallow copy of an answer, of its own kind (an array stays an array, a class instance its class). */
function copyOf(value: object): object {
  return Array.isArray(value)
    ? [...value]
    : Object.assign(Object.create(Object.getPrototypeOf(value) as object | null) as object, value);
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
 * `api`'s answers to `options.methods` kept per state of the database
 * (`options.version()`): {@link KeptAnswers.current} waits for an answer of
 * the current state, {@link KeptAnswers.quick} takes a kept older one at once,
 * {@link KeptAnswers.asking} waits for the answer being asked.
 * Questions asked again while the first is still being answered share its
 * answer; a refusal is not kept. Every other method, and `close`, pass through.
 *
 * @example
 * ```ts
 * const kept = cacheAnswers(createWorkerRunsApi({ size: 2, start }), {
 *   version: () => manager.dataVersion(),
 * });
 * await startUiServer({ api: kept.current, kept });
 * ```
 */
export function cacheAnswers<T extends RunsApi>(
  api: T,
  options: AnswerCacheOptions,
): KeptAnswers<T> {
  const methods = options.methods ?? HEAVY_QUESTIONS;
  const size = options.size ?? 64;
  const kept = new Map<string, Entry>();
  let seq = 0;

  /** Ask the question of the database as it is at `version`, keeping the answer when it comes. */
  const refresh = (entry: Entry, call: () => Promise<unknown>, version: string): Asking => {
    const asOf = new Date().toISOString();
    const asking: Asking = { seq: ++seq, version, asOf, answer: Promise.resolve() };
    asking.answer = call().then(
      (value) => {
        const aged = withAge(value, { asOf, stale: false });
        if (!entry.settled || entry.settled.seq < asking.seq)
          entry.settled = { ...asking, value: aged };
        if (entry.pending === asking) entry.pending = undefined;
        return aged;
      },
      (error: unknown) => {
        if (entry.pending === asking) entry.pending = undefined;
        throw error;
      },
    );
    entry.pending = asking;
    return asking;
  };

  const ask = async (method: Method, args: unknown[], wait: AnswerWait): Promise<unknown> => {
    const call = () => (api[method] as (...a: unknown[]) => Promise<unknown>)(...args);
    // A state that cannot be read keeps nothing: the question is asked as if uncached.
    const version = await options.version().catch(() => null);
    if (version === null) return call();
    // Each kept method takes one options object: none is the same as `{}`.
    const key = `${method} ${canonical(args[0] ?? {})}`;
    const entry = kept.get(key) ?? {};
    kept.delete(key); // most recently asked last: the first in line is the one to drop
    kept.set(key, entry);
    if (kept.size > size) kept.delete(kept.keys().next().value as string);

    const { settled, pending } = entry;
    if (settled?.version === version) return settled.value;
    if (wait === 'asking' && pending) return pending.answer;
    const current = pending?.version === version ? pending : refresh(entry, call, version);
    if (
      wait === 'quick' &&
      settled &&
      typeof settled.value === 'object' &&
      settled.value !== null
    ) {
      // The kept answer of an older state, at once and said to be so; the
      // current one is being asked for whoever asks next. A copy carries the
      // mark, so the kept answer itself stays unmarked for its own state.
      current.answer.catch(() => {}); // its asker (if any) hears a refusal; this one does not
      return withAge(copyOf(settled.value), { asOf: settled.asOf, stale: true });
    }
    return current.answer;
  };

  const face = (wait: AnswerWait): T => {
    const wrapped = { ...api } as Record<string, unknown>;
    for (const method of methods) wrapped[method] = (...args: unknown[]) => ask(method, args, wait);
    return wrapped as T;
  };
  return { current: face('current'), quick: face('quick'), asking: face('asking') };
}
