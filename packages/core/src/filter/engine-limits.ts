/**
 * A backend refusing a filtered read for its size — SQLite's "Expression tree is
 * too large" or "too many SQL variables", PostgreSQL's "stack depth limit
 * exceeded" — is a bad filter, not a storage failure: it becomes a
 * {@link WhereSyntaxError} (exit code 2) pointing at the part of the filter that
 * is too large. Filters within `WHERE_LIMITS` stay below every backend's limits;
 * this covers an engine built with lower ones.
 *
 * @packageDocumentation
 */
import { ValidationError } from '../errors.js';
import { parseWhereWithLandmarks, type WhereLandmarks } from './where.js';
import { WHERE_LIMITS } from './where-limit-values.js';
import { WhereSyntaxError } from './where-tokens.js';

/** What engines say when a statement is too big for them, and where in the filter to point. */
const ENGINE_LIMITS: {
  pattern: RegExp;
  problem: string;
  at: (l: WhereLandmarks) => number;
}[] = [
  {
    pattern:
      /expression tree is too large|parser stack overflow|recursion limit|stack depth limit exceeded/i,
    problem: 'is nested too deeply',
    at: (l) => (l.depth >= l.conditions ? l.deepest : l.lastCondition),
  },
  {
    pattern: /too many SQL variables|number of parameters must be between|bind message has/i,
    problem: 'has too many values',
    at: (l) => (l.largestList >= 0 ? l.largestList : l.lastCondition),
  },
  {
    pattern: /LIKE or GLOB pattern too complex/i,
    problem: 'has a like pattern that is too long',
    at: (l) => l.longestPattern,
  },
  {
    pattern: /string or blob too big/i,
    problem: 'has a value that is too long',
    at: () => 0,
  },
];

/** The message of the engine's own error: the innermost cause of `error`. */
function engineMessage(error: unknown): string {
  let message = '';
  for (let e = error, i = 0; e instanceof Error && i < 5; e = e.cause, i++) message = e.message;
  return message;
}

/**
 * `error`, thrown by a read filtered with `where`, as a {@link WhereSyntaxError}
 * when it is an engine refusing the statement for its size; null otherwise (no
 * filter, an error already about the input, or any other failure).
 */
export function filterLimitError(
  error: unknown,
  where: string | undefined,
): WhereSyntaxError | null {
  if (typeof where !== 'string' || error instanceof ValidationError) return null;
  const text = engineMessage(error);
  const limit = ENGINE_LIMITS.find(({ pattern }) => pattern.test(text));
  if (!limit) return null;
  let landmarks: WhereLandmarks;
  try {
    landmarks = parseWhereWithLandmarks(where).landmarks;
  } catch {
    return null;
  }
  return new WhereSyntaxError(
    where,
    Math.max(0, limit.at(landmarks)),
    `the database refused the filter: it ${limit.problem} for this backend (${text})`,
    `Split or narrow the filter (within WHERE_LIMITS: ${WHERE_LIMITS.depth} levels of nesting, ${WHERE_LIMITS.conditions} conditions, ${WHERE_LIMITS.values} values)`,
  );
}

/**
 * A `.catch` handler for a read filtered with `where`: rethrows the error, as a
 * filter error when the engine refused the statement for its size.
 */
export function asFilterError(where: string | undefined): (error: unknown) => never {
  return (error) => {
    throw filterLimitError(error, where) ?? error;
  };
}
