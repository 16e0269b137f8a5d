/**
 * Mechanism ids in their natural order (`M2` before `M10`, combined ids by their parts).
 *
 * @packageDocumentation
 */
import { ValidationError } from '../errors.js';
import { previewValue } from '../schema/validate.js';

/** Numeric key of a mechanism id: `M17` → [17], `M1+M17` → [1, 17]; unknown forms sort last. */
const keys = new Map<string, number[]>();

function mechanismKey(mechanism: string): number[] {
  // Memoised: the set of mechanism ids is tiny, the number of comparisons is not.
  let key = keys.get(mechanism);
  if (!key) {
    const numbers = mechanism.match(/\d+/g);
    key = numbers ? numbers.map(Number) : [Number.POSITIVE_INFINITY];
    if (keys.size < 10_000) keys.set(mechanism, key);
  }
  return key;
}

/**
 * Distinct mechanisms sorted numerically (M1, M2, …, M10, …, M17, then combined
 * forms after their first part): a plain string sort would put M10 before M2.
 */
export function sortMechanisms(mechanisms: Iterable<string>): string[] {
  if (
    typeof mechanisms !== 'object' ||
    mechanisms === null ||
    typeof (mechanisms as Iterable<string>)[Symbol.iterator] !== 'function'
  ) {
    throw new ValidationError(
      'mechanisms',
      `must be an array (or iterable) of mechanism ids, got ${previewValue(mechanisms)}`,
    );
  }
  const distinct = [...new Set(mechanisms)];
  distinct.forEach((mechanism, i) => {
    if (typeof mechanism !== 'string') {
      throw new ValidationError(
        `mechanisms[${i}]`,
        `must be a string, got ${previewValue(mechanism)}`,
      );
    }
  });
  return distinct.sort(compareMechanisms);
}

/** The natural order of two mechanism ids (see {@link sortMechanisms}). */
export function compareMechanisms(a: string, b: string): number {
  const ka = mechanismKey(a);
  const kb = mechanismKey(b);
  for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
    const d = (ka[i] ?? -1) - (kb[i] ?? -1);
    // NaN (two forms without a number, both keyed Infinity) is a tie, as 0 is.
    if (d) return d;
  }
  // localeCompare calls some different texts equal (é and e + ◌́): the code
  // units decide then, so equal means identical and duplicates end up adjacent.
  return a.localeCompare(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Mechanism ids a query already made distinct strings of (a grouped read),
 * sorted in place the same way without re-checking them. Values that became
 * equal only as text (`5` and `'5'`) are kept once.
 */
export function sortDistinctMechanisms(mechanisms: string[]): string[] {
  mechanisms.sort(compareMechanisms);
  let kept = 0;
  for (let i = 0; i < mechanisms.length; i++) {
    if (i === 0 || mechanisms[i] !== mechanisms[kept - 1]) mechanisms[kept++] = mechanisms[i]!;
  }
  mechanisms.length = kept;
  return mechanisms;
}
