/**
 * How old an answer is. At a million runs the overview's questions take
 * seconds to seconds-and-more (the coverage join reads every mechanism row),
 * while a running simulation commits every moment. So the server may answer at
 * once with the answer it kept of an older state of the database — saying so —
 * while it asks the current one, and the page shows the kept numbers marked
 * "as of" until the current ones come (stale-while-revalidate, as HTTP caches
 * and dashboards do it). Only a caller that says it accepts such an answer gets
 * one; everyone else waits for the current answer, as before.
 *
 * The age travels beside an answer, never inside it: answers stay core's own
 * shapes, and a registry keyed by the answer object says how old it is.
 *
 * @packageDocumentation
 */

/** The age of an answer that may come from an older state of the database. */
export interface AnswerAge {
  /** When its question was asked of the database (ISO time): it is the data as it was then. */
  asOf: string;
  /** Someone has written since: the answer is of an older state than the one asked about. */
  stale: boolean;
}

/**
 * Which answer a caller waits for:
 * - `current` (the default): an answer of the database as it is now;
 * - `quick`: at once, an answer kept of an older state when that is what is
 *   kept (marked stale), while the current one is asked;
 * - `asking`: the answer being asked since a `quick` one said it was stale,
 *   when it comes (it is of the database as it was when that asking began);
 *   when none is being asked, as `current`.
 */
export type AnswerWait = 'current' | 'quick' | 'asking';
/** HTTP: the request header naming the {@link AnswerWait} (absent: `current`). */
export const ANSWER_WAIT_HEADER = 'RunMeta-Answer';
/** HTTP: the response header with {@link AnswerAge.asOf}. */
export const AS_OF_HEADER = 'RunMeta-As-Of';
/** HTTP: the response header with {@link AnswerAge.stale} (`true` or `false`). */
export const STALE_HEADER = 'RunMeta-Stale';

// One registry however many copies of this module a page bundles.
const REGISTRY = Symbol.for('runmeta.answerAges');
const shared = globalThis as Record<symbol, WeakMap<object, AnswerAge> | undefined>;
shared[REGISTRY] ??= new WeakMap<object, AnswerAge>();
const ages = shared[REGISTRY];

/**
 * `answer` said to be of `age`. An answer that is not an object cannot carry
 * an age and is returned as it is.
 */
export function withAge<T>(answer: T, age: AnswerAge): T {
  if (answer !== null && typeof answer === 'object') ages.set(answer, age);
  return answer;
}

/**
 * How old `answer` is, when whoever gave it said so (`cacheAnswers` on the
 * server, the HTTP client from the server's headers); undefined otherwise,
 * which means current.
 *
 * @example
 * ```ts
 * const coverage = await quick.coverage();
 * if (answerAge(coverage)?.stale) showAsOf(answerAge(coverage)!.asOf);
 * ```
 */
export function answerAge(answer: unknown): AnswerAge | undefined {
  return answer !== null && typeof answer === 'object' ? ages.get(answer) : undefined;
}
