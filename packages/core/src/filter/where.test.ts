import { describe, expect, it } from 'vitest';
import { canonicalColumns, TABLES } from '../columns/registry.js';
import { compileWhere, parseWhere, WhereSyntaxError } from './where.js';

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

  it('keeps injection attempts inside parameters or rejects them', () => {
    const { sql, params } = compile("goal = 'x''; DROP TABLE runs; --'");
    expect(sql).toBe('("goal" = ?)');
    expect(params).toEqual(["x'; DROP TABLE runs; --"]);
    expect(() => parseWhere('goal = 1; DROP TABLE runs')).toThrow(WhereSyntaxError);
    expect(() => parseWhere('"status" = 1')).toThrow(/expected a column/);
  });
});
