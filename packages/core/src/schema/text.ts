/**
 * Well-formed text. A JavaScript string can hold a lone UTF-16 surrogate
 * (`'\ud800'`), which has no UTF-8 form: every backend stores it as U+FFFD, so
 * the text read back differs from the text written — a run id that comes back
 * changed and is then "not found". Every write (and every read's filter) is
 * checked here and refused instead, naming the field; the same goes for bytes
 * read from a file that are not valid UTF-8 (`utf8Problem`), which no string
 * can carry unchanged.
 *
 * @packageDocumentation
 */
import { ValidationError } from '../errors.js';

/** A lone surrogate: under the `u` flag a surrogate pair is one code point, so only lone halves match. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Deepest nesting {@link illFormedText} looks into (JSON contexts are capped at 64 too). */
const MAX_DEPTH = 64;

function requireText(text: unknown): void {
  if (typeof text !== 'string') {
    throw new ValidationError('text', `must be a string, got ${typeof text}`, {
      operation: 'read',
    });
  }
}

/**
 * The engine's own check where it has one (`String.prototype.isWellFormed`: Node
 * 20, current browsers), several times faster than the regular expression, which
 * older engines fall back to. Every string of every write goes through it.
 */
const wellFormed: (text: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (text) => (text as string & { isWellFormed(): boolean }).isWellFormed()
    : (text) => !LONE_SURROGATE.test(text);

/** Index of the first lone UTF-16 surrogate in `text`, or -1 when it is well-formed. */
export function loneSurrogateIndex(text: string): number {
  requireText(text);
  return wellFormed(text) ? -1 : (LONE_SURROGATE.exec(text)?.index ?? -1);
}

/** Whether `text` is well-formed Unicode (no lone UTF-16 surrogate), so it is stored as it is. */
export function isWellFormedText(text: string): boolean {
  requireText(text);
  return wellFormed(text);
}

/** `\ud800`: a code unit as it is written in JavaScript and JSON. */
function codeUnit(text: string, index: number): string {
  return `\\u${text.charCodeAt(index).toString(16).padStart(4, '0')}`;
}

/** The problem with text holding a lone surrogate at `index`, in words. */
export function loneSurrogateProblem(text: string, index: number): string {
  return `must be well-formed Unicode text, but has a lone UTF-16 surrogate (${codeUnit(text, index)}) at character ${index + 1}, which no database can store unchanged`;
}

/** Where ill-formed text was found in a value, and what is wrong with it. */
export interface IllFormedText {
  /** Path to the offending string (or to the object whose key it is). */
  path: PropertyKey[];
  problem: string;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The first string with a lone surrogate inside `value` — the value itself, an
 * item of an array, a key or value of a plain object, at any depth — or null.
 * Only plain data is looked into (arrays and plain objects), never class
 * instances or functions.
 */
export function illFormedText(value: unknown): IllFormedText | null {
  // Nearly every value is well-formed: say so without building paths, then look
  // again, path by path, only for the one that is not.
  if (wellFormedDeep(value, 0, new Set())) return null;
  const path: PropertyKey[] = [];
  const seen = new Set<object>();
  const visit = (item: unknown): string | null => {
    if (typeof item === 'string') {
      const index = loneSurrogateIndex(item);
      return index < 0 ? null : loneSurrogateProblem(item, index);
    }
    if (typeof item !== 'object' || item === null || seen.has(item)) return null;
    if (path.length >= MAX_DEPTH) return null;
    if (!Array.isArray(item) && !isPlainObject(item)) return null;
    seen.add(item);
    const entries = Array.isArray(item) ? item.entries() : Object.entries(item);
    for (const [key, child] of entries) {
      if (typeof key === 'string') {
        const index = loneSurrogateIndex(key);
        if (index >= 0) {
          return `has a key ${JSON.stringify(key)} that ${loneSurrogateProblem(key, index)}`;
        }
      }
      path.push(key);
      const problem = visit(child);
      if (problem) return problem;
      path.pop();
    }
    return null;
  };
  const problem = visit(value);
  return problem ? { path, problem } : null;
}

/** Whether every string in `value` (as {@link illFormedText} looks) is well-formed. */
function wellFormedDeep(item: unknown, depth: number, seen: Set<object>): boolean {
  if (typeof item === 'string') return wellFormed(item);
  if (typeof item !== 'object' || item === null || depth >= MAX_DEPTH || seen.has(item))
    return true;
  if (Array.isArray(item)) {
    seen.add(item);
    for (let i = 0; i < item.length; i++) {
      if (!wellFormedDeep(item[i], depth + 1, seen)) return false;
    }
    return true;
  }
  if (!isPlainObject(item)) return true;
  seen.add(item);
  for (const key of Object.keys(item)) {
    if (!wellFormed(key)) return false;
    if (!wellFormedDeep((item as Record<string, unknown>)[key], depth + 1, seen)) return false;
  }
  return true;
}

/** A decoder that fails on bytes that are not UTF-8 (instead of replacing them with U+FFFD). */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * What is wrong with bytes meant to be UTF-8 text (a value read from a file as
 * stored), or null when they are valid UTF-8. Such bytes cannot become a string
 * without U+FFFD replacing them, so copying them through JavaScript would change them.
 */
export function utf8Problem(bytes: Uint8Array): string | null {
  if (!(bytes instanceof Uint8Array)) {
    throw new ValidationError('bytes', 'must be a Uint8Array (bytes read as stored)', {
      operation: 'read',
    });
  }
  try {
    STRICT_UTF8.decode(bytes);
    return null;
  } catch {
    const hex = [...bytes.subarray(0, 24)].map((b) => b.toString(16).padStart(2, '0')).join('');
    return `is not valid UTF-8 text (bytes ${hex}${bytes.length > 24 ? '…' : ''})`;
  }
}
