/**
 * A small filter language for runs, parsed to an AST and compiled to
 * parameterised SQL. It is what `runmeta runs list --where` and the playground
 * accept:
 *
 * ```text
 * status = 'failed' and (template_id like 'board%' or cost_usd > 0.5)
 * causal_mode in ('portal', 'pearl') and not token_budget_compliance <= 1
 * fidelity.dialog >= 2 and error_message is not null
 * ```
 *
 * Fields are the known run columns (SQL or SDK names: `cost_usd` or `costUsd`),
 * `created` and `updated` (a run's creation and last-update times as runmeta
 * orders and shows them: created_at, else started_at; updated_at, else
 * completed_at — a file migrated from v1 has only the latter of each) and
 * `fidelity.<level>` (a count in the fidelity distribution). Values are
 * numbers, quoted strings, `true`/`false` and `null`. Every value becomes a `?`
 * parameter and every column a quoted identifier from the registry, so no text of
 * the filter ever reaches SQL as code.
 */
import { type ColumnDef, RUN_COLUMNS } from '../columns/registry.js';
import { ValidationError } from '../errors.js';
import { RESOLUTION_LEVELS } from '../schema/enum-values.js';
import { loneSurrogateIndex } from '../schema/text.js';
import { parseTimeInput, timeInputProblem } from '../schema/time.js';
import { previewValue } from '../schema/validate.js';
import { quoteIdent } from '../sql/quote.js';
import type { SqlValue } from '../sql/values.js';
import type { QueryDialect } from '../storage/query-dialect.js';
import { sqliteDialect } from '../storage/sqlite/sqlite-dialect.js';
import { DERIVED_TIMES, type DerivedTime } from './derived-time-columns.js';
import { derivedTimeExpression, derivedTimeText, isDerivedTime } from './derived-times.js';
import { type FoldedValues, storedValuesCondition } from './folded-values.js';
import { WHERE_LIMITS } from './where-limit-values.js';
import { checkWhereTree } from './where-limits.js';
import { type Token, tokenize, WhereSyntaxError } from './where-tokens.js';

/** A filter's syntax tree. */
export type WhereNode =
  | { kind: 'and' | 'or'; left: WhereNode; right: WhereNode }
  | { kind: 'not'; operand: WhereNode }
  | { kind: 'compare'; field: FieldRef; op: '=' | '!=' | '<' | '<=' | '>' | '>='; value: SqlValue }
  | { kind: 'in'; field: FieldRef; values: SqlValue[]; negated: boolean }
  | { kind: 'like'; field: FieldRef; pattern: string; negated: boolean }
  | { kind: 'null'; field: FieldRef; negated: boolean };

/** A field in a filter: a runs column, a derived time (`created`, `updated`), or a fidelity level count. */
export type FieldRef =
  | { kind: 'column'; column: string }
  | { kind: 'time'; name: DerivedTime }
  | { kind: 'fidelity'; level: string };

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'like', 'is', 'null', 'true', 'false']);
const COLUMN_BY_NAME = new Map<string, ColumnDef>();
for (const [field, column] of Object.entries(RUN_COLUMNS) as [string, ColumnDef][]) {
  COLUMN_BY_NAME.set(column.name.toLowerCase(), column);
  COLUMN_BY_NAME.set(field.toLowerCase(), column);
}
const COLUMN_DEFS = new Map(
  (Object.values(RUN_COLUMNS) as ColumnDef[]).map((column) => [column.name, column]),
);

/** Every column name a filter accepts (SQL names), for error messages and completion. */
export const WHERE_COLUMNS: readonly string[] = (Object.values(RUN_COLUMNS) as ColumnDef[]).map(
  (column) => column.name,
);

/** The derived times, as an unknown column's list of columns names them first. */
const DERIVED_TIMES_HELP = Object.entries(DERIVED_TIMES)
  .map(([name, from]) => `${name} (${from.join(', else ')})`)
  .join(', ');

/** Edit distance, for "did you mean" on a misspelt column. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The problem for an unknown column (with the closest name), and every valid one. */
function unknownColumn(name: string): { problem: string; detail: string } {
  const lower = name.toLowerCase();
  const names = [...COLUMN_BY_NAME.keys(), ...Object.keys(DERIVED_TIMES)];
  const best = names
    .map((candidate) => ({ candidate, d: distance(lower, candidate) }))
    .filter(({ d }) => d <= Math.max(2, Math.floor(lower.length / 3)))
    .sort((a, b) => a.d - b.d)
    .map(({ candidate }) => COLUMN_BY_NAME.get(candidate)?.name ?? candidate);
  return {
    problem: `unknown column "${name}"${best.length ? ` (did you mean ${best[0]}?)` : ''}`,
    detail: `Columns: ${DERIVED_TIMES_HELP}, ${WHERE_COLUMNS.join(', ')}, fidelity.<level>`,
  };
}

/**
 * Parse a filter into its syntax tree; throws {@link WhereSyntaxError}, pointing
 * at the place. A filter stays within {@link WHERE_LIMITS} (length, nesting,
 * conditions, `in` values, pattern length), so what it compiles to fits every
 * backend's limits; and its text must be well-formed (no lone UTF-16 surrogate).
 */
export function parseWhere(source: string): WhereNode {
  return parseWhereWithLandmarks(source).tree;
}

/** Where a parsed filter is largest (0-based positions, -1 when absent): see `filterLimitError`. */
export interface WhereLandmarks {
  /** The token at which the nesting (parentheses and `not`) is deepest. */
  deepest: number;
  /** How deep that is. */
  depth: number;
  /** The start of the last condition. */
  lastCondition: number;
  /** How many conditions there are. */
  conditions: number;
  /** The `(` of the longest `in` list. */
  largestList: number;
  /** The longest `like` pattern. */
  longestPattern: number;
}

/**
 * {@link parseWhere}, also saying where the filter is largest.
 *
 * @internal
 */
export function parseWhereWithLandmarks(source: string): {
  tree: WhereNode;
  landmarks: WhereLandmarks;
} {
  if (typeof source !== 'string') {
    throw new ValidationError('where', `must be a string (got ${previewValue(source)})`, {
      operation: 'read',
    });
  }
  if (source.length > WHERE_LIMITS.length) {
    throw new WhereSyntaxError(
      source,
      WHERE_LIMITS.length,
      `the filter is longer than ${WHERE_LIMITS.length} characters`,
    );
  }
  const lone = loneSurrogateIndex(source);
  if (lone >= 0) {
    throw new WhereSyntaxError(
      source,
      lone,
      `a lone UTF-16 surrogate (\\u${source.charCodeAt(lone).toString(16)}) is not text`,
      'Filters must be well-formed Unicode',
    );
  }
  const tokens = tokenize(source);
  let at = 0;
  // Bounds (WHERE_LIMITS): how deep the parser is, and what it has read so far.
  let depth = 0;
  let conditions = 0;
  let values = 0;
  const landmarks: WhereLandmarks = {
    deepest: -1,
    depth: 0,
    lastCondition: -1,
    conditions: 0,
    largestList: -1,
    longestPattern: -1,
  };
  let longestList = 0;
  let longestPattern = -1;
  const deeper = (token: Token) => {
    if (++depth > WHERE_LIMITS.depth) {
      fail(
        token,
        `the filter is nested more than ${WHERE_LIMITS.depth} levels deep (parentheses and not)`,
      );
    }
    if (depth > landmarks.depth) {
      landmarks.depth = depth;
      landmarks.deepest = token.pos;
    }
  };
  const peek = () => tokens[at]!;
  const isWord = (word: string) => {
    const t = peek();
    return t.type === 'ident' && t.text.toLowerCase() === word;
  };
  const fail = (token: Token, problem: string, detail?: string): never => {
    throw new WhereSyntaxError(source, token.pos, problem, detail);
  };
  const describe = (t: Token) =>
    t.type === 'end'
      ? 'the end'
      : t.type === 'ident' || t.type === 'op' || t.type === 'punct'
        ? `"${t.text}"`
        : `${JSON.stringify(t.value)}`;
  const expectWord = (word: string) => {
    if (!isWord(word)) fail(peek(), `expected "${word}" but found ${describe(peek())}`);
    at++;
  };
  const expectPunct = (text: string) => {
    const t = peek();
    if (t.type !== 'punct' || t.text !== text)
      fail(t, `expected "${text}" but found ${describe(t)}`);
    at++;
  };

  const value = (): SqlValue => {
    const t = peek();
    at++;
    if (t.type === 'string' || t.type === 'number') return t.value;
    if (t.type === 'ident' && ['true', 'false'].includes(t.text.toLowerCase()))
      return t.text.toLowerCase() === 'true' ? 1 : 0;
    if (t.type === 'ident' && t.text.toLowerCase() === 'null') return null;
    return fail(
      t,
      `expected a value (number, 'text', true, false or null) but found ${describe(t)}`,
    );
  };

  const field = (): FieldRef => {
    const t = peek();
    if (t.type !== 'ident' || KEYWORDS.has(t.text.toLowerCase()))
      return fail(t, `expected a column but found ${describe(t)}`);
    at++;
    const name = t.text.toLowerCase();
    if (name.startsWith('fidelity.')) {
      const level = name.slice('fidelity.'.length);
      if (!(RESOLUTION_LEVELS as readonly string[]).includes(level)) {
        return fail(
          t,
          `unknown fidelity level "${level}" (one of ${RESOLUTION_LEVELS.join(', ')})`,
        );
      }
      return { kind: 'fidelity', level };
    }
    if (isDerivedTime(name)) return { kind: 'time', name };
    const column = COLUMN_BY_NAME.get(name);
    if (!column) {
      const { problem, detail } = unknownColumn(t.text);
      return fail(t, problem, detail);
    }
    return { kind: 'column', column: column.name };
  };

  /**
   * A value compared with a column, checked against what the column holds: a
   * time column takes a time (compared as a time, `schema/time.ts`), an enum
   * column one of its values (any case; stored values match case-insensitively).
   */
  const typedValue = (f: FieldRef): SqlValue => {
    const t = peek();
    const v = value();
    if (v !== null && f.kind === 'time') {
      const problem = typeof v === 'string' ? timeInputProblem(v) : 'expected a quoted time';
      if (problem) fail(t, `${f.name} is a time: ${problem}`);
      return v;
    }
    if (f.kind === 'fidelity' && typeof v === 'string') {
      fail(t, `fidelity.${f.level} is a count: compare it with a number, not ${JSON.stringify(v)}`);
    }
    const column = f.kind === 'column' ? COLUMN_DEFS.get(f.column) : undefined;
    if (v === null || !column) return v;
    if ((column.sqlType === 'INTEGER' || column.sqlType === 'REAL') && typeof v === 'string') {
      fail(t, `${column.name} holds numbers: compare it with a number, not ${JSON.stringify(v)}`);
    }
    if (column.time) {
      const problem = typeof v === 'string' ? timeInputProblem(v) : 'expected a quoted time';
      if (problem) fail(t, `${column.name} is a time: ${problem}`);
    }
    if (column.enumValues) {
      const lower = String(v).trim().toLowerCase();
      if (!column.enumValues.includes(lower)) {
        fail(
          t,
          `unknown ${column.name} ${JSON.stringify(v)} (one of ${column.enumValues.join(', ')}; use like '…' for other stored values)`,
        );
      }
      return lower;
    }
    return v;
  };

  const comparison = (): WhereNode => {
    if (++conditions > WHERE_LIMITS.conditions) {
      fail(peek(), `the filter has more than ${WHERE_LIMITS.conditions} conditions`);
    }
    landmarks.lastCondition = peek().pos;
    landmarks.conditions = conditions;
    const f = field();
    if (isWord('is')) {
      at++;
      const negated = isWord('not');
      if (negated) at++;
      expectWord('null');
      return { kind: 'null', field: f, negated };
    }
    const negated = isWord('not');
    if (negated) at++;
    if (isWord('in')) {
      at++;
      const open = peek();
      expectPunct('(');
      const listed: SqlValue[] = [];
      const item = () => {
        if (++values > WHERE_LIMITS.values) {
          fail(peek(), `the filter lists more than ${WHERE_LIMITS.values} values in "in (…)"`);
        }
        listed.push(typedValue(f));
      };
      item();
      while (peek().type === 'punct' && (peek() as { text: string }).text === ',') {
        at++;
        item();
      }
      expectPunct(')');
      if (listed.length > longestList) {
        longestList = listed.length;
        landmarks.largestList = open.pos;
      }
      return { kind: 'in', field: f, values: listed, negated };
    }
    if (isWord('like')) {
      at++;
      const t = peek();
      if (t.type !== 'string')
        return fail(t, `expected a quoted pattern after "like" but found ${describe(t)}`);
      if (t.value.length > WHERE_LIMITS.patternLength) {
        fail(t, `the pattern is longer than ${WHERE_LIMITS.patternLength} characters`);
      }
      if (t.value.length > longestPattern) {
        longestPattern = t.value.length;
        landmarks.longestPattern = t.pos;
      }
      at++;
      return { kind: 'like', field: f, pattern: t.value, negated };
    }
    if (negated)
      return fail(peek(), `expected "in" or "like" after "not" but found ${describe(peek())}`);
    const op = peek();
    if (op.type !== 'op')
      return fail(
        op,
        `expected a comparison (=, !=, <, <=, >, >=, in, like, is) but found ${describe(op)}`,
      );
    at++;
    if (peek().type === 'ident' && (peek() as { text: string }).text.toLowerCase() === 'null')
      fail(op, 'compare with null using "is null" or "is not null"');
    const v = typedValue(f);
    return { kind: 'compare', field: f, op: op.text as '=', value: v };
  };

  const primary = (): WhereNode => {
    if (peek().type === 'punct' && (peek() as { text: string }).text === '(') {
      deeper(peek());
      at++;
      const inner = or();
      expectPunct(')');
      depth--;
      return inner;
    }
    return comparison();
  };
  const not = (): WhereNode => {
    if (isWord('not')) {
      deeper(peek());
      at++;
      const operand = not();
      depth--;
      return { kind: 'not', operand };
    }
    return primary();
  };
  const and = (): WhereNode => {
    let left = not();
    while (isWord('and')) {
      at++;
      left = { kind: 'and', left, right: not() };
    }
    return left;
  };
  const or = (): WhereNode => {
    let left = and();
    while (isWord('or')) {
      at++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };

  if (peek().type === 'end') fail(peek(), 'the filter is empty');
  const tree = or();
  if (peek().type !== 'end') fail(peek(), `unexpected ${describe(peek())}`);
  return { tree, landmarks };
}

/**
 * Compile a filter to a parameterised SQL condition over a `runs` table with the
 * given columns. A known column the table lacks compiles to NULL (it matches
 * nothing), so one filter works on v1 archives and v2 databases alike. With
 * `folded` (an enum column's stored values), `=`, `!=` and `in` on that column
 * compare its stored values instead of its fold, so its index can answer.
 */
export function compileWhere(
  node: WhereNode,
  columns: readonly string[],
  dialect: QueryDialect = sqliteDialect,
  folded?: FoldedValues,
): { sql: string; params: SqlValue[] } {
  // A tree may be hand-made: only what parseWhere could have produced compiles,
  // so no text of it reaches SQL except as a parameter or a registry column.
  checkWhereTree(node, columns, dialect, COLUMN_DEFS);
  const params: SqlValue[] = [];
  const present = new Set(columns.map((c) => c.toLowerCase()));
  const ref = (f: FieldRef): string => {
    if (f.kind === 'fidelity') {
      if (!present.has('fidelity_distribution')) return 'NULL';
      const json = dialect.jsonNumber(quoteIdent('fidelity_distribution'), f.level);
      params.push(json.param);
      return json.sql;
    }
    if (f.kind === 'time') return derivedTimeExpression(f.name, columns, dialect, 'filter');
    if (!present.has(f.column)) return 'NULL';
    const column = COLUMN_DEFS.get(f.column);
    if (column?.time) return dialect.timeKey(quoteIdent(f.column));
    if (column?.enumValues) return `lower(trim(${quoteIdent(f.column)}))`;
    return quoteIdent(f.column);
  };
  /** The column as stored (LIKE and IS NULL look at the text itself, not its time key). */
  const raw = (f: FieldRef): string => {
    if (f.kind === 'time') return derivedTimeText(f.name, columns);
    if (f.kind === 'fidelity') return ref(f);
    return present.has(f.column) ? quoteIdent(f.column) : 'NULL';
  };
  /** A compared value as the column is compared: a time as its time key. */
  const param = (f: FieldRef, v: SqlValue): SqlValue => {
    const column = f.kind === 'column' ? COLUMN_DEFS.get(f.column) : undefined;
    const time = f.kind === 'time' || column?.time;
    return time && typeof v === 'string' ? parseTimeInput(v) : v;
  };
  const walk = (n: WhereNode): string => {
    switch (n.kind) {
      case 'and':
      case 'or':
        return `(${walk(n.left)} ${n.kind.toUpperCase()} ${walk(n.right)})`;
      case 'not':
        return `(NOT ${walk(n.operand)})`;
      case 'compare': {
        // `=` and `!=` on an enum: the stored values whose fold matches (indexable).
        const stored =
          n.field.kind === 'column' && (n.op === '=' || n.op === '!=')
            ? storedValuesCondition(n.field.column, [n.value], folded, params)
            : null;
        if (stored) return n.op === '=' ? stored : `(NOT ${stored})`;
        const left = ref(n.field);
        params.push(param(n.field, n.value));
        return `(${left} ${n.op} ?)`;
      }
      case 'in': {
        const stored =
          n.field.kind === 'column'
            ? storedValuesCondition(n.field.column, n.values, folded, params)
            : null;
        if (stored) return n.negated ? `(NOT ${stored})` : stored;
        const left = ref(n.field);
        params.push(...n.values.map((v) => param(n.field, v)));
        return `(${left} ${n.negated ? 'NOT IN' : 'IN'} (${n.values.map(() => '?').join(', ')}))`;
      }
      case 'like': {
        // The field's own parameters (a fidelity level's key) come first in the SQL.
        const left = raw(n.field);
        params.push(n.pattern);
        return `(${dialect.like(left, n.negated)})`;
      }
      case 'null':
        return `(${raw(n.field)} IS ${n.negated ? 'NOT ' : ''}NULL)`;
    }
  };
  const sql = walk(node);
  return { sql, params };
}
