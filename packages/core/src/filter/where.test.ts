import { describe, expect, it } from 'vitest';
import { canonicalColumns, TABLES } from '../columns/registry.js';
import { ValidationError } from '../errors.js';
import { compileWhere, parseWhere } from './where.js';
import { WHERE_LIMITS } from './where-limit-values.js';
import { WhereSyntaxError } from './where-tokens.js';

const V2 = canonicalColumns(TABLES.runs).map((c) => c.name);
const compile = (text: string, columns = V2) => compileWhere(parseWhere(text), columns);

describe('parseWhere / compileWhere', () => {
  it('compiles comparisons, and/or/not and parentheses with parameters only', () => {
    expect(compile("status = 'failed' and (template_id like 'board%' or cost_usd > 0.5)")).toEqual({
      sql: '((lower(trim("status")) = ?) AND (("template_id" LIKE ?) OR ("cost_usd" > ?)))',
      params: ['failed', 'board%', 0.5],
    });
    expect(compile('not tokenBudgetCompliance <= 1')).toEqual({
      sql: '(NOT ("token_budget_compliance" <= ?))',
      params: [1],
    });
  });

  it('gives and precedence over or', () => {
    expect(compile("goal = 'a' or status = 'running' and cost_usd = 3")).toEqual({
      sql: '(("goal" = ?) OR ((lower(trim("status")) = ?) AND ("cost_usd" = ?)))',
      params: ['a', 'running', 3],
    });
  });

  it('supports in, not in, not like, is null and is not null, true/false', () => {
    expect(compile("causal_mode in ('portal', 'pearl')")).toEqual({
      sql: '(lower(trim("causal_mode")) IN (?, ?))',
      params: ['portal', 'pearl'],
    });
    expect(compile("status not in ('completed')").sql).toBe('(lower(trim("status")) NOT IN (?))');
    expect(compile("goal not like '%x%'").sql).toBe('("goal" NOT LIKE ?)');
    expect(compile('error_message is not null').sql).toBe('("error_message" IS NOT NULL)');
    expect(compile('goal is null').sql).toBe('("goal" IS NULL)');
    expect(compile('entities_created = true').params).toEqual([1]);
  });

  it('compares an enum by its stored values when they are known, so an index can answer', () => {
    const folded = {
      status: [
        { stored: 'Completed ', folded: 'completed' },
        { stored: 'completed', folded: 'completed' },
        { stored: 'FAILED', folded: 'failed' },
      ],
    };
    const withValues = (text: string) => compileWhere(parseWhere(text), V2, undefined, folded);
    expect(withValues("status = 'completed' and cost_usd > 0.5")).toEqual({
      sql: '(("status" IN (?, ?)) AND ("cost_usd" > ?))',
      params: ['Completed ', 'completed', 0.5],
    });
    expect(withValues("status != 'failed'")).toEqual({
      sql: '(NOT ("status" IN (?)))',
      params: ['FAILED'],
    });
    expect(withValues("status not in ('failed', 'completed')").params).toEqual([
      'Completed ',
      'completed',
      'FAILED',
    ]);
    // Parameters stay in the order of their places in the SQL.
    expect(withValues("fidelity.DIALOG >= 2 and status in ('failed')")).toMatchObject({
      params: ['dialog', 2, 'FAILED'],
    });
    expect(withValues("fidelity.DIALOG >= 2 and status in ('failed')").sql).toMatch(
      /^\(\(CASE WHEN json_valid\(.* END >= \?\) AND \("status" IN \(\?\)\)\)$/,
    );
    // Nothing stored folds to it: false for a stored value, NULL for NULL (so NOT keeps NULL out).
    expect(withValues("status = 'running'").sql).toBe(
      '(CASE WHEN "status" IS NULL THEN NULL ELSE 1 = 0 END)',
    );
    // Order comparisons and enums whose values are not known keep the fold.
    expect(withValues("status > 'failed'").sql).toBe('(lower(trim("status")) > ?)');
    expect(withValues("causal_mode = 'portal'").sql).toBe('(lower(trim("causal_mode")) = ?)');
  });

  it('reads fidelity levels out of the distribution JSON, the level as a parameter', () => {
    const { sql, params } = compile('fidelity.DIALOG >= 2');
    expect(sql).toContain('json_each(');
    expect(params).toEqual(['dialog', 2]);
  });

  it('turns a known column the table lacks into NULL (v1 archives)', () => {
    const v1 = canonicalColumns(TABLES.runs, 'v1').map((c) => c.name);
    expect(compile('token_budget_compliance > 1', v1).sql).toBe('(NULL > ?)');
    expect(compile('fidelity.scene > 1', v1)).toEqual({ sql: '(NULL > ?)', params: [1] });
  });

  it.each([
    ['nonsense > 3', 'unknown column "nonsense"', 1],
    ["status = 'failed' and foo > 3", 'unknown column "foo"', 23],
    ['fidelity.ultra > 1', 'unknown fidelity level "ultra"', 1],
    ["status = 'failed' or", 'expected a column but found the end', 21],
    ['status', 'expected a comparison', 7],
    ["status = 'failed')", 'unexpected ")"', 18],
    ["(status = 'failed'", 'expected ")" but found the end', 19],
    ["status = 'unterminated", 'unterminated string', 10],
    ['status = null', 'compare with null using "is null"', 8],
    ['status ; 1', 'unexpected character ";"', 8],
    ['', 'the filter is empty', 1],
    ["cost_usd > 'abc'", 'cost_usd holds numbers: compare it with a number, not "abc"', 12],
    ["fidelity.dialog > 'x'", 'fidelity.dialog is a count: compare it with a number, not "x"', 19],
    ["entities_created in (1, 'three')", 'entities_created holds numbers', 25],
    ['created_at > 5', 'created_at is a time', 14],
    ["status = 'faild'", 'unknown status "faild" (one of running, completed, failed', 10],
    ['stauts = 1', 'unknown column "stauts" (did you mean status?)', 1],
  ])('rejects %j with a message pointing at the token', (text, problem, position) => {
    const error = (() => {
      try {
        parseWhere(text);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(WhereSyntaxError);
    expect((error as WhereSyntaxError).message).toContain(problem);
    expect((error as WhereSyntaxError).message).toContain(`at position ${position}`);
    expect((error as WhereSyntaxError).field).toBe('where');
    expect((error as WhereSyntaxError).exitCode).toBe(2);
  });

  it('reads created and updated from the columns the table has, as times', () => {
    const both = compile("created >= '2025-11-01' and updated is null", [
      ...V2,
      'started_at',
      'completed_at',
    ]);
    expect(both.sql).toContain('COALESCE(');
    expect(both.sql).toMatch(/"created_at".*"started_at"/);
    expect(both.sql).toContain(
      '(COALESCE(CAST("updated_at" AS TEXT), CAST("completed_at" AS TEXT)) IS NULL)',
    );
    expect(compile('updated is null').sql).toBe('(CAST("updated_at" AS TEXT) IS NULL)'); // a v2 file's own columns
    const started = compile("created < '2025-11-01'", ['run_id', 'started_at']);
    expect(started.sql).not.toContain('created_at');
    expect(started.sql).toContain('"started_at"');
    expect(compile("created < '2025-11-01'", ['run_id']).sql).toBe('(NULL < ?)');
  });

  it('keeps injection attempts inside parameters or rejects them', () => {
    const { sql, params } = compile("goal = 'x''; DROP TABLE runs; --'");
    expect(sql).toBe('("goal" = ?)');
    expect(params).toEqual(["x'; DROP TABLE runs; --"]);
    expect(() => parseWhere('goal = 1; DROP TABLE runs')).toThrow(WhereSyntaxError);
    expect(() => parseWhere('"status" = 1')).toThrow(/expected a column/);
  });
});

describe('hostile filters: bounded, typed, pointing at the place', () => {
  /** The error `text` is refused with (it must be refused). */
  const refusal = (text: unknown): WhereSyntaxError => {
    try {
      parseWhere(text as string);
    } catch (error) {
      expect(error).toBeInstanceOf(WhereSyntaxError);
      return error as WhereSyntaxError;
    }
    throw new Error(`accepted ${String(text).slice(0, 40)}`);
  };
  const term = 'cost_usd > 1';

  it.each([
    ['cost_usd > -.', 'expected a number', 12],
    ['cost_usd > -', 'expected a number', 12],
    ['cost_usd > 1e999', 'not a finite number', 12],
    ['cost_usd > -1e400', 'not a finite number', 12],
  ])('refuses the malformed number in %j', (text, problem, position) => {
    const error = refusal(text);
    expect(error.message).toContain(problem);
    expect(error.position).toBe(position - 1);
  });

  it('refuses 10,000 nested parentheses or nots at the first level too deep', () => {
    const parens = `${'('.repeat(10_000)}${term}${')'.repeat(10_000)}`;
    const nots = `${'not '.repeat(10_000)}${term}`;
    const deep = refusal(parens);
    expect(deep.message).toContain(`nested more than ${WHERE_LIMITS.depth} levels deep`);
    expect(deep.position).toBe(WHERE_LIMITS.depth);
    const negated = refusal(nots);
    expect(negated.message).toContain(`nested more than ${WHERE_LIMITS.depth} levels deep`);
    expect(negated.position).toBe(WHERE_LIMITS.depth * 4);
  });

  it('refuses and/or chains of 10,000 terms at the first term over the limit', () => {
    for (const joiner of [' and ', ' or ']) {
      const chain = Array.from({ length: 10_000 }, () => term).join(joiner);
      const error = refusal(chain);
      expect(error.message).toContain(`more than ${WHERE_LIMITS.conditions} conditions`);
      expect(error.position).toBe(WHERE_LIMITS.conditions * (term.length + joiner.length));
    }
    // Exactly at the limit is accepted.
    const most = Array.from({ length: WHERE_LIMITS.conditions }, () => term).join(' and ');
    expect(() => parseWhere(most)).not.toThrow();
  });

  it('refuses in lists over the limit at the first value too many', () => {
    const values = Array.from({ length: 40_000 }, (_, i) => String(i));
    const text = `cost_usd in (${values.join(',')})`;
    const error = refusal(text);
    expect(error.message).toContain(`more than ${WHERE_LIMITS.values} values`);
    const before = `cost_usd in (${values.slice(0, WHERE_LIMITS.values).join(',')},`;
    expect(error.position).toBe(before.length);
    const most = `cost_usd in (${values.slice(0, WHERE_LIMITS.values).join(',')})`;
    expect(() => parseWhere(most)).not.toThrow();
  });

  it('refuses like patterns and filters longer than the limits', () => {
    const pattern = `goal like '${'%'.repeat(WHERE_LIMITS.patternLength + 1)}'`;
    expect(refusal(pattern).message).toContain(
      `longer than ${WHERE_LIMITS.patternLength} characters`,
    );
    expect(refusal(pattern).position).toBe(10);
    const long = `goal = '${'x'.repeat(WHERE_LIMITS.length)}'`;
    const error = refusal(long);
    expect(error.message).toContain(`longer than ${WHERE_LIMITS.length} characters`);
    expect(error.position).toBe(WHERE_LIMITS.length);
    // The message shows the place, not the whole filter.
    expect(error.message.length).toBeLessThan(1_000);
  });

  it('refuses a lone UTF-16 surrogate in a quoted value, at its place', () => {
    const error = refusal("goal = 'ab\ud800c'");
    expect(error.message).toContain('lone UTF-16 surrogate');
    expect(error.position).toBe(10);
  });

  it('refuses a filter that is not a string with a ValidationError', () => {
    for (const value of [null, undefined, 5, {}, ['a']]) {
      const error = (() => {
        try {
          parseWhere(value as never);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe('where');
    }
  });

  it('compiles only well-formed syntax trees (a hand-made tree cannot inject SQL)', () => {
    const column = { kind: 'column', column: 'cost_usd' } as const;
    const bad: unknown[] = [
      { kind: 'compare', field: column, op: '= 1 OR 1 = 1 --', value: 1 },
      {
        kind: 'compare',
        field: { kind: 'column', column: 'x"; DROP TABLE runs; --' },
        op: '=',
        value: 1,
      },
      {
        kind: 'compare',
        field: { kind: 'fidelity', level: "dialog') OR 1=1 --" },
        op: '=',
        value: 1,
      },
      {
        kind: 'compare',
        field: { kind: 'time', name: 'created_at) OR 1=1 --' },
        op: '=',
        value: 1,
      },
      { kind: 'compare', field: { kind: 'time', name: 'toString' }, op: '=', value: 1 },
      { kind: 'drop', field: column },
      { kind: 'in', field: column, values: 'abc', negated: false },
      { kind: 'in', field: column, values: [], negated: false },
      { kind: 'compare', field: column, op: '=', value: { a: 1 } },
      { kind: 'like', field: column, pattern: 5, negated: false },
      null,
    ];
    for (const node of bad) {
      const error = (() => {
        try {
          compileWhere(node as never, V2);
        } catch (e) {
          return e;
        }
      })();
      expect(error, JSON.stringify(node)).toBeInstanceOf(ValidationError);
    }
  });
});
