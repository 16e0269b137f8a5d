/**
 * The filters the filter fuzz (`../fuzz-where.test.ts`) tries: well-formed
 * ones from a grammar over the columns of the fuzzed file (values taken from
 * its rows, set with {@link useRows}), filters at and beyond `WHERE_LIMITS`,
 * token soup and damaged filters.
 */
import { WHERE_LIMITS } from '@runmeta/core';
import fc from 'fast-check';
import { type Field, type Node, type Row, render, sqlName, type Value } from './where-evaluator.js';

/** Values in the fuzzed file's rows, used as filter values so that filters match. */
let rows: Row[] = [];
/** Take filter values from these rows (the fuzzed file's). */
export function useRows(fileRows: Row[]): void {
  rows = fileRows;
}

export const TEMPLATES = [
  'board_meeting',
  'Board_Meeting',
  'jefferson_dinner',
  'café ☕',
  '😀 x',
  "o'brien",
  'a_b%c',
];
export const GOALS = [null, 'Revenue ↑', 'é', '', 'GROWTH plan', 'ß straße', '😀'];
export const LEVELS = ['tensor_only', 'scene', 'graph', 'dialog', 'trained', 'full_detail'];

const NUMERIC = [
  'cost_usd',
  'tokens_used',
  'entities_created',
  'timepoints_created',
  'llm_calls',
  'token_budget_compliance',
  'fidelity_efficiency_score',
  'actual_tokens_used',
  'portal_year',
];
const TEXT = ['template_id', 'goal', 'run_id', 'error_message'];
const CAMEL = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

const column = (names: string[], kind: 'number' | 'text') =>
  fc.tuple(fc.constantFrom(...names), fc.constantFrom('sql', 'camel', 'upper')).map(
    ([name, form]) =>
      ({
        kind,
        column: form === 'camel' ? CAMEL(name) : form === 'upper' ? name.toUpperCase() : name,
      }) as Field,
  );
const field: fc.Arbitrary<Field> = fc.oneof(
  { weight: 4, arbitrary: column(NUMERIC, 'number') },
  { weight: 3, arbitrary: column(TEXT, 'text') },
  { weight: 1, arbitrary: fc.constant({ kind: 'time', column: 'created_at' } as Field) },
  { weight: 1, arbitrary: fc.constant({ kind: 'status' } as Field) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(...LEVELS).map((level) => ({ kind: 'fidelity', level }) as Field),
  },
);
const cleanText = fc.string({
  unit: fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom('a', 'B', '_', '%', "'", ' ', 'é', 'É', 'ß', '😀', '↑', 'x'),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 0x20, max: 0xfffd })
        .filter((c) => c < 0xd800 || c > 0xdfff)
        .map((c) => String.fromCharCode(c)),
    },
  ),
  maxLength: 8,
});
const times = () => rows.map((r) => String(r.created_at));
function valueFor(f: Field): fc.Arbitrary<Value> {
  switch (f.kind) {
    case 'number':
      return fc.oneof(
        fc.constantFrom(
          ...rows
            .map((r) => r[sqlName(f.column)])
            .filter((v): v is number => typeof v === 'number'),
        ),
        fc.integer({ min: -5, max: 15_000 }),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.constantFrom(0, 1, 0.5, 1e-300, 5e-324, 1e300),
      );
    case 'fidelity':
      return fc.integer({ min: -1, max: 4 });
    case 'text':
      return fc.oneof(
        fc.constantFrom(
          ...TEMPLATES,
          ...GOALS.filter((g): g is string => g !== null),
          ...rows.map((r) => String(r.run_id)),
        ),
        cleanText,
      );
    case 'time':
      return fc.oneof(
        fc.constantFrom(...times()),
        fc
          .integer({ min: Date.UTC(2024, 11, 1), max: Date.UTC(2025, 2, 1) })
          .map((ms) => new Date(ms).toISOString()),
      );
    case 'status':
      return fc.constantFrom('running', 'completed', 'failed', 'FAILED', ' Running ');
  }
}
const OPS = ['=', '!=', '<>', '<', '<=', '>', '>='];
const likePattern = fc
  .array(fc.oneof(fc.constantFrom('%', '_', '%%'), cleanText), { maxLength: 4 })
  .map((parts) => parts.join(''));

const leaf: fc.Arbitrary<Node> = field.chain((f) => {
  const v = valueFor(f);
  const options: fc.Arbitrary<Node>[] = [
    fc.record({ k: fc.constant('null' as const), f: fc.constant(f), neg: fc.boolean() }),
    fc.record({
      k: fc.constant('in' as const),
      f: fc.constant(f),
      vs: fc.array(
        fc.oneof({ weight: 9, arbitrary: v }, { weight: 1, arbitrary: fc.constant(null) }),
        { minLength: 1, maxLength: 5 },
      ),
      neg: fc.boolean(),
    }),
  ];
  if (f.kind !== 'status') {
    options.push(
      fc.record({
        k: fc.constant('cmp' as const),
        f: fc.constant(f),
        op: fc.constantFrom(...OPS),
        v,
      }),
    );
  } else {
    options.push(
      fc.record({
        k: fc.constant('cmp' as const),
        f: fc.constant(f),
        op: fc.constantFrom('=', '!='),
        v,
      }),
    );
  }
  if (f.kind === 'text' || f.kind === 'time') {
    options.push(
      fc.record({
        k: fc.constant('like' as const),
        f: fc.constant(f),
        pattern: likePattern,
        neg: fc.boolean(),
      }),
    );
  }
  return fc.oneof(...options);
});

export const tree = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: leaf },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constantFrom('and' as const, 'or' as const),
        items: fc.array(tie('node'), { minLength: 2, maxLength: 4 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('not' as const), x: tie('node') }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('paren' as const), x: tie('node') }) },
  ),
})).node;

/** Filters at and beyond the limits: long chains, deep nesting, long in lists. */
export const large: fc.Arbitrary<Node> = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: WHERE_LIMITS.conditions - 3, max: WHERE_LIMITS.conditions + 3 }),
      fc.constantFrom('and' as const, 'or' as const),
      leaf,
    )
    .map(([n, k, l]) => ({ k, items: Array.from({ length: n }, () => l) }) as Node),
  fc
    .tuple(
      fc.integer({ min: WHERE_LIMITS.depth - 3, max: WHERE_LIMITS.depth + 3 }),
      fc.array(fc.constantFrom('not' as const, 'paren' as const), { minLength: 1, maxLength: 3 }),
      leaf,
    )
    .map(([n, kinds, l]) => {
      let node = l;
      for (let i = 0; i < n; i++) node = { k: kinds[i % kinds.length]!, x: node } as Node;
      return node;
    }),
  fc
    .tuple(fc.integer({ min: WHERE_LIMITS.values - 3, max: WHERE_LIMITS.values + 3 }), fc.boolean())
    .map(
      ([n, neg]) =>
        ({
          k: 'in',
          f: { kind: 'number', column: 'tokens_used' },
          vs: Array.from({ length: n }, (_, i) => i),
          neg,
        }) as Node,
    ),
);

const soupToken = fc.oneof(
  fc.constantFrom(
    ...NUMERIC,
    ...TEXT,
    'status',
    'created_at',
    'costUsd',
    'fidelity.dialog',
    'fidelity.ultra',
    'nonsense',
    'fidelity.',
  ),
  fc.constantFrom('=', '!=', '<>', '<', '<=', '>', '>=', '==', '=<', '!'),
  fc.constantFrom('and', 'or', 'not', 'in', 'like', 'is', 'null', 'true', 'false', 'AND', 'Not'),
  fc.constantFrom('(', ')', ',', '((', '))', '(,)'),
  fc.constantFrom(
    '-.',
    '-',
    '.5',
    '1e999',
    '-1e400',
    '1e-400',
    '0x10',
    '1.2.3',
    '007',
    '5e',
    'NaN',
    'Infinity',
  ),
  fc.constantFrom(
    "'failed'",
    "'a''b'",
    "'unterminated",
    '"dq"',
    "''",
    "'\ud800'",
    "'x\udc00y'",
    "'😀'",
  ),
  fc.constantFrom(';', '$', '`', '\\', '\n', '\t', '\u0000', '--', '/*', '\ud83d', 'é'),
  fc.integer({ min: -100, max: 100 }).map(String),
);

export const soup = fc
  .array(soupToken, { maxLength: 12 })
  .chain((tokens) => fc.boolean().map((spaced) => tokens.join(spaced ? ' ' : '')));

/** A well-formed filter, damaged: a soup token put in or swapped in, a stretch cut out or doubled. */
export const damaged = fc
  .tuple(
    tree,
    soupToken,
    fc.nat(),
    fc.nat({ max: 8 }),
    fc.constantFrom('insert', 'cut', 'double', 'replace'),
  )
  .map(([node, token, i, length, how]) => {
    const text = render(node);
    const a = i % (text.length + 1);
    const b = Math.min(text.length, a + length);
    if (how === 'insert') return `${text.slice(0, a)}${token}${text.slice(a)}`;
    if (how === 'cut') return `${text.slice(0, a)}${text.slice(b)}`;
    if (how === 'double') return `${text.slice(0, b)}${text.slice(a)}`;
    return `${text.slice(0, a)}${token}${text.slice(b)}`;
  });
