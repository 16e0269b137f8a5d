/**
 * Parsing input with a zod schema into a typed value or a `ValidationError` that names the field and shows the value.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { ValidationError } from '../errors.js';
import { illFormedText } from './text.js';

// zod/mini loads no messages; the errors below quote zod's English ones
// ("Too small: expected number to be >=1"), so load that one locale, not every
// locale as classic zod does. Every schema is parsed here, after this has run.
z.config(en());

/** `['mechanisms', 2, 'mechanism']` → `mechanisms[2].mechanism`. */
function fieldPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || 'input';
}

/** Longest preview of a received value in a message. */
const PREVIEW_LENGTH = 80;

/**
 * A short one-line rendering of any value for an error message: `NaN`,
 * `Infinity`, `5`, `"text"`, `{a: 1, b: […]}`. Unlike JSON it shows NaN and
 * ±Infinity as themselves (JSON would print `null`), and it never throws.
 */
export function previewValue(value: unknown, maxLength = PREVIEW_LENGTH): string {
  const text = render(value, 0);
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

function render(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'string':
      return JSON.stringify(
        value.length > PREVIEW_LENGTH ? `${value.slice(0, PREVIEW_LENGTH)}…` : value,
      );
    case 'function':
      return `function ${value.name || '(anonymous)'}`;
    case 'symbol':
      return value.toString();
    case 'undefined':
      return 'undefined';
    case 'boolean':
      return String(value);
  }
  if (value === null) return 'null';
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : `Date ${value.toISOString()}`;
  }
  if (depth >= 2) return Array.isArray(value) ? '[…]' : '{…}';
  const more = (n: number) => (n > 5 ? ', …' : '');
  if (Array.isArray(value)) {
    return `[${value
      .slice(0, 5)
      .map((item) => render(item, depth + 1))
      .join(', ')}${more(value.length)}]`;
  }
  let entries: [string, unknown][];
  try {
    entries = Object.entries(value as object);
  } catch {
    return '{…}';
  }
  const proto = Object.getPrototypeOf(value);
  const name =
    proto === Object.prototype || proto === null ? '' : `${proto?.constructor?.name ?? 'object'} `;
  return `${name}{${entries
    .slice(0, 5)
    .map(([key, item]) => `${key}: ${render(item, depth + 1)}`)
    .join(', ')}${more(entries.length)}}`;
}

/** The value at `path` inside `input`, and whether it is there at all. */
function valueAt(input: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !(key in value)) {
      return { found: false, value: undefined };
    }
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return { found: true, value };
}

/** The object schema at `path` inside `schema` (through optional, default, arrays…), if any. */
function objectKeysAt(schema: z.ZodMiniType, path: readonly PropertyKey[]): string[] | null {
  let current: unknown = schema;
  const unwrap = () => {
    // optional, nullable, default, catch, readonly, pipe (transform): the inner schema.
    for (let i = 0; i < 16; i++) {
      const def = (current as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
      const inner = def?.innerType ?? (def?.type === 'pipe' ? def.in : undefined);
      if (!inner) return;
      current = inner;
    }
  };
  for (const key of path) {
    unwrap();
    const def = (current as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
    if (def?.type === 'object') current = (def.shape as Record<string, unknown>)[String(key)];
    else if (def?.type === 'array') current = def.element;
    else return null;
  }
  unwrap();
  const def = (current as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
  return def?.type === 'object' ? Object.keys(def.shape as object) : null;
}

/** Edit distance, for "did you mean" on a mistyped key. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(
        row[j]! + 1,
        row[j - 1]! + 1,
        diagonal + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** "unknown key; did you mean strategy? (known keys: strategy, backfill)". */
function unknownKeys(keys: readonly string[], known: string[] | null): string {
  const others = keys.slice(1).map((k) => JSON.stringify(k));
  const what = others.length ? `unknown key (also unknown: ${others.join(', ')})` : 'unknown key';
  if (!known?.length) return what;
  const close = known
    .map((name) => ({ name, d: distance(keys[0]!, name) }))
    .filter(({ d }) => d <= 2)
    .sort((x, y) => x.d - y.d)[0];
  return `${what}${close ? `; did you mean ${close.name}?` : ''} (known keys: ${known.join(', ')})`;
}

const ARTICLE = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/** The problem text for one zod issue, with the value received. */
function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const { found, value } = valueAt(input, issue.path);
  if (issue.code === 'invalid_type' && (!found || value === undefined)) {
    return `is required (${ARTICLE(issue.expected)}) but was not given`;
  }
  let message = issue.message;
  if (issue.code === 'invalid_type') {
    // zod's own text names only the received *type* ("received number"); say what
    // is expected, and show the value itself below.
    const expected = issue.expected === 'number' ? 'finite number' : issue.expected;
    message = message.replace(
      /^Invalid input: expected \w+, received .+$/,
      `must be ${ARTICLE(expected)}`,
    );
  }
  return found ? `${message} (got ${previewValue(value)})` : message;
}

/**
 * Validate a write's input (or a read's filter, with `operation: 'read'`) with its
 * zod schema. The first problem becomes a {@link ValidationError} naming the field
 * (`fidelityStrategy.tokenBudget`) and showing the value received (`NaN`, `5`,
 * `"quantum"`), so the caller sees exactly what to fix. An unknown key is named
 * by its path, with the known keys. Text anywhere in the value (a field, an
 * array item, a key or value of a JSON context) must be well-formed: a lone
 * UTF-16 surrogate, which no backend stores unchanged, is refused the same way
 * (`checkText: false` leaves that to a caller that checks each part later).
 */
export function parseInput<S extends z.ZodMiniType>(
  schema: S,
  value: unknown,
  prefix = '',
  operation: 'read' | 'write' = 'write',
  checkText = true,
): z.output<S> {
  let result: z.util.SafeParseResult<z.output<S>>;
  try {
    result = schema.safeParse(value);
  } catch (error) {
    // zod itself can fail on exotic values (freezing a typed array, a throwing
    // getter): still the caller's value, still a ValidationError.
    throw new ValidationError(
      fieldPath(prefix, []),
      `could not be read (${error instanceof Error ? error.message : String(error)}; got ${previewValue(value)})`,
      { cause: error, operation },
    );
  }
  if (result.success) {
    const ill = checkText ? illFormedText(value) : null;
    if (ill) throw new ValidationError(fieldPath(prefix, ill.path), ill.problem, { operation });
    return result.data;
  }
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    throw new ValidationError(
      fieldPath(prefix, [...issue.path, issue.keys[0]!]),
      unknownKeys(issue.keys, objectKeysAt(schema, issue.path)),
      { cause: result.error },
    );
  }
  throw new ValidationError(fieldPath(prefix, issue.path), describeIssue(issue, value), {
    cause: result.error,
    operation,
  });
}
