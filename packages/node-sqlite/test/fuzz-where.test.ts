/**
 * Fuzz of the `--where` filter language through parse, compile and execution
 * on a real better-sqlite3 file (issue 13), seeded:
 *
 * - token soup (columns, operators, keywords, numbers such as `-.` or `1e999`,
 *   strings with lone surrogates, stray characters): every filter either runs
 *   or is refused with a typed `ValidationError` for `where` — never a
 *   TypeError, a stack overflow or a storage error;
 * - well-formed filters from a grammar, some of them beyond `WHERE_LIMITS`
 *   (nesting, conditions, `in` values): within the limits the runs found are
 *   exactly those an independent evaluator (SQL's three-valued logic, in this
 *   file, over rows read with plain better-sqlite3) finds; beyond them the
 *   filter is refused, pointing inside it.
 *
 * `RUNMETA_FUZZ_SEED` and `RUNMETA_FUZZ_RUNS` explore further locally.
 */
import path from 'node:path';
import {
  MetadataManager,
  RunmetaError,
  ValidationError,
  WHERE_LIMITS,
  WhereSyntaxError,
} from '@runmeta/core';
import BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeSqliteAdapter } from '../src/index.js';
import { makeTempDir, removeDir } from './process-helpers.js';

const SEED = Number(process.env.RUNMETA_FUZZ_SEED ?? 20_261_307);
const RUNS = Number(process.env.RUNMETA_FUZZ_RUNS ?? 3_000);

type Row = Record<string, unknown>;
let dir: string;
let manager: MetadataManager;
let rows: Row[];

const TEMPLATES = [
  'board_meeting',
  'Board_Meeting',
  'jefferson_dinner',
  'café ☕',
  '😀 x',
  "o'brien",
  'a_b%c',
];
const GOALS = [null, 'Revenue ↑', 'é', '', 'GROWTH plan', 'ß straße', '😀'];
const LEVELS = ['tensor_only', 'scene', 'graph', 'dialog', 'trained', 'full_detail'];

beforeAll(async () => {
  dir = makeTempDir('fuzz-where');
  manager = await MetadataManager.open({ adapter: createNodeSqliteAdapter({ directory: dir }) });
  // 42 runs with every kind of value a filter meets: nulls, unicode, quotes,
  // budgets met and exceeded, distributions, running/completed/failed.
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };
  for (let i = 0; i < 42; i++) {
    const runId = `run-${i}${i % 5 === 0 ? ' é' : ''}`;
    await manager.startRun({
      runId,
      templateId: TEMPLATES[i % TEMPLATES.length]!,
      causalMode: (['forward', 'portal', 'pearl'] as const)[i % 3]!,
      goal: GOALS[i % GOALS.length],
      portalYear: i % 4 === 0 ? null : 1900 + next(200),
      tokenBudget: i % 3 === 0 ? null : 1000 * (1 + next(10)),
      createdAt: new Date(
        Date.UTC(2025, 0, 1 + i, next(24), next(60), next(60), next(1000)),
      ).toISOString(),
    });
    for (let e = 0; e < next(4); e++) {
      await manager.recordResolution(runId, {
        entityId: `e${e}`,
        resolution: LEVELS[next(LEVELS.length)] as 'scene',
        timepointId: 'tp',
      });
    }
    if (i % 7 === 6) continue; // still running
    await manager.completeRun(runId, {
      entitiesCreated: next(10),
      timepointsCreated: next(5),
      costUsd: next(500) / 100,
      tokensUsed: next(12_000),
      llmCalls: next(30),
      errorMessage: i % 6 === 5 ? `boom ${i}` : undefined,
    });
  }
  rows = new BetterSqlite3(path.join(dir, 'runs.db'), { readonly: true })
    .prepare('SELECT * FROM runs')
    .all() as Row[];
});
afterAll(async () => {
  await manager?.close();
  removeDir(dir);
});

// ------------------------------------------------------------ the grammar

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

type Field =
  | { kind: 'number' | 'text' | 'time'; column: string }
  | { kind: 'status' }
  | { kind: 'fidelity'; level: string };
type Value = number | string | null;
type Node =
  | { k: 'cmp'; f: Field; op: string; v: Value }
  | { k: 'in'; f: Field; vs: Value[]; neg: boolean }
  | { k: 'like'; f: Field; pattern: string; neg: boolean }
  | { k: 'null'; f: Field; neg: boolean }
  | { k: 'and' | 'or'; items: Node[] }
  | { k: 'not' | 'paren'; x: Node };

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
/** The column name as stored, from the form written in the filter. */
const sqlName = (column: string) =>
  column === column.toUpperCase()
    ? column.toLowerCase()
    : column.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

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

const tree = fc.letrec<{ node: Node }>((tie) => ({
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
const large: fc.Arbitrary<Node> = fc.oneof(
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

// ------------------------------------------------------------ rendering and the evaluator

const literal = (v: Value) =>
  v === null ? 'null' : typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`;
const fieldText = (f: Field) =>
  f.kind === 'fidelity' ? `fidelity.${f.level}` : f.kind === 'status' ? 'status' : f.column;
function render(n: Node): string {
  switch (n.k) {
    case 'cmp':
      return `${fieldText(n.f)} ${n.op} ${literal(n.v)}`;
    case 'in':
      return `${fieldText(n.f)} ${n.neg ? 'not in' : 'in'} (${n.vs.map(literal).join(', ')})`;
    case 'like':
      return `${fieldText(n.f)} ${n.neg ? 'not like' : 'like'} ${literal(n.pattern)}`;
    case 'null':
      return `${fieldText(n.f)} is ${n.neg ? 'not ' : ''}null`;
    case 'and':
    case 'or':
      return n.items
        .map((item) => (item.k === 'and' || item.k === 'or' ? `(${render(item)})` : render(item)))
        .join(` ${n.k} `);
    case 'not':
      return `not ${n.x.k === 'and' || n.x.k === 'or' ? `(${render(n.x)})` : render(n.x)}`;
    case 'paren':
      return `(${render(n.x)})`;
  }
}
/** Conditions, nesting (parentheses and not, as rendered) and in values of a tree. */
function size(n: Node): { conditions: number; depth: number; values: number } {
  switch (n.k) {
    case 'and':
    case 'or': {
      const parts = n.items.map((item) => {
        const s = size(item);
        return item.k === 'and' || item.k === 'or' ? { ...s, depth: s.depth + 1 } : s;
      });
      return {
        conditions: parts.reduce((a, p) => a + p.conditions, 0),
        depth: Math.max(...parts.map((p) => p.depth)),
        values: parts.reduce((a, p) => a + p.values, 0),
      };
    }
    case 'not': {
      const s = size(n.x);
      return { ...s, depth: s.depth + 1 + (n.x.k === 'and' || n.x.k === 'or' ? 1 : 0) };
    }
    case 'paren': {
      const s = size(n.x);
      return { ...s, depth: s.depth + 1 };
    }
    case 'in':
      return { conditions: 1, depth: 0, values: n.vs.length };
    default:
      return { conditions: 1, depth: 0, values: 0 };
  }
}

type Truth = boolean | null;
const utf8 = (s: string) => Buffer.from(s, 'utf8');
/** SQLite's BINARY collation: UTF-8 bytes. */
const compareText = (a: string, b: string) => Buffer.compare(utf8(a), utf8(b));
/** SQLite's LIKE: % and _ (one character), ASCII letters in any case. */
function like(text: string, pattern: string): boolean {
  const fold = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const source = [...fold(pattern)]
    .map((c) =>
      c === '%' ? '[\\s\\S]*' : c === '_' ? '[\\s\\S]' : c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`, 'u').test(fold(text));
}
function fieldValue(f: Field, row: Row): unknown {
  if (f.kind === 'fidelity') {
    const json = row.fidelity_distribution;
    if (typeof json !== 'string') return null;
    const counts = JSON.parse(json) as Record<string, number>;
    const found = Object.entries(counts).filter(([key]) => key.toLowerCase() === f.level);
    return found.length ? found.reduce((a, [, n]) => a + n, 0) : null;
  }
  if (f.kind === 'status') return String(row.status).trim().toLowerCase();
  return row[sqlName(f.column)] ?? null;
}
function compare(f: Field, a: unknown, op: string, b: Value): Truth {
  if (a === null || b === null) return null;
  let c: number;
  if (f.kind === 'time') c = Math.sign(Date.parse(String(a)) - Date.parse(String(b)));
  else if (f.kind === 'status') c = compareText(String(a), String(b).trim().toLowerCase());
  else if (typeof a === 'number' && typeof b === 'number') c = Math.sign(a - b);
  else c = compareText(String(a), String(b));
  return {
    '=': c === 0,
    '!=': c !== 0,
    '<>': c !== 0,
    '<': c < 0,
    '<=': c <= 0,
    '>': c > 0,
    '>=': c >= 0,
  }[op]!;
}
const not = (t: Truth): Truth => (t === null ? null : !t);
function evaluate(n: Node, row: Row): Truth {
  switch (n.k) {
    case 'cmp':
      return compare(n.f, fieldValue(n.f, row), n.op, n.v);
    case 'in': {
      const a = fieldValue(n.f, row);
      if (a === null) return null;
      const results = n.vs.map((v) => compare(n.f, a, '=', v));
      const t: Truth = results.includes(true) ? true : results.includes(null) ? null : false;
      return n.neg ? not(t) : t;
    }
    case 'like': {
      const a = fieldValue(n.f, row);
      if (a === null) return null;
      const t = like(String(a), n.pattern);
      return n.neg ? !t : t;
    }
    case 'null': {
      const isNull = fieldValue(n.f, row) === null;
      return n.neg ? !isNull : isNull;
    }
    case 'and': {
      const ts = n.items.map((item) => evaluate(item, row));
      return ts.includes(false) ? false : ts.includes(null) ? null : true;
    }
    case 'or': {
      const ts = n.items.map((item) => evaluate(item, row));
      return ts.includes(true) ? true : ts.includes(null) ? null : false;
    }
    case 'not':
      return not(evaluate(n.x, row));
    case 'paren':
      return evaluate(n.x, row);
  }
}

// ------------------------------------------------------------ token soup

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

const soup = fc
  .array(soupToken, { maxLength: 12 })
  .chain((tokens) => fc.boolean().map((spaced) => tokens.join(spaced ? ' ' : '')));

/** A well-formed filter, damaged: a soup token put in or swapped in, a stretch cut out or doubled. */
const damaged = fc
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

// ------------------------------------------------------------ the properties

const stats = { soup: 0, soupRan: 0, soupRefused: 0, grammar: 0, grammarRan: 0, overLimits: 0 };

/** A filter's refusal: a ValidationError for `where`, never anything else. */
function expectFilterError(error: unknown, where: string): void {
  if (!(error instanceof ValidationError)) throw error;
  expect(error).toBeInstanceOf(RunmetaError);
  expect(['where', 'filter.where']).toContain(error.field);
  expect(error.exitCode).toBe(2);
  if (error instanceof WhereSyntaxError) {
    expect(error.position).toBeGreaterThanOrEqual(0);
    expect(error.position).toBeLessThanOrEqual(where.length);
  }
}

describe('fuzz: the filter language on a real file', () => {
  it(`runs or refuses (typed) every token soup and damaged filter (${RUNS} seeded filters)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(soup, damaged), async (where) => {
        stats.soup++;
        try {
          const runs = await manager.getAllRuns({ where });
          const ids = new Set(rows.map((r) => r.run_id));
          for (const run of runs) expect(ids.has(run.runId)).toBe(true);
          stats.soupRan++;
        } catch (error) {
          expectFilterError(error, where);
          stats.soupRefused++;
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(stats.soupRan).toBeGreaterThan(0);
    expect(stats.soupRan).toBeGreaterThan(RUNS / 20);
    expect(stats.soupRefused).toBeGreaterThan(RUNS / 4);
  }, 120_000);

  it(`finds exactly the runs an independent evaluator finds, or refuses beyond WHERE_LIMITS (${RUNS} seeded filters)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 60, arbitrary: tree }, { weight: 1, arbitrary: large }),
        async (node) => {
          stats.grammar++;
          const where = render(node);
          const { conditions, depth, values } = size(node);
          const within =
            conditions <= WHERE_LIMITS.conditions &&
            depth <= WHERE_LIMITS.depth &&
            values <= WHERE_LIMITS.values;
          let found: string[];
          try {
            found = (await manager.getAllRuns({ where })).map((run) => run.runId);
          } catch (error) {
            expectFilterError(error, where);
            expect(
              within,
              `${where.slice(0, 200)} refused: ${(error as Error).message.slice(0, 300)}`,
            ).toBe(false);
            expect((error as Error).message).toMatch(/more than|nested/);
            stats.overLimits++;
            return;
          }
          expect(within, `${where.slice(0, 200)} accepted beyond the limits`).toBe(true);
          const expected = rows
            .filter((row) => evaluate(node, row) === true)
            .map((row) => String(row.run_id));
          expect(found.sort(), where).toEqual(expected.sort());
          stats.grammarRan++;
        },
      ),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(stats.grammarRan).toBeGreaterThan(RUNS / 2);
    expect(stats.overLimits).toBeGreaterThan(0);
    console.info(`fuzz-where: ${JSON.stringify(stats)}`);
  }, 120_000);
});
