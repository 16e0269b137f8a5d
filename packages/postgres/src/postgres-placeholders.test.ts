import { describe, expect, it } from 'vitest';
import { toNumberedPlaceholders } from './postgres-placeholders.js';

describe('toNumberedPlaceholders', () => {
  it('numbers ? placeholders in order', () => {
    expect(toNumberedPlaceholders('SELECT a FROM t WHERE b = ? AND c IN (?, ?) LIMIT ?')).toBe(
      'SELECT a FROM t WHERE b = $1 AND c IN ($2, $3) LIMIT $4',
    );
  });

  it('leaves ? inside strings, quoted identifiers, comments and dollar quotes alone', () => {
    expect(
      toNumberedPlaceholders(
        `SELECT 'what?', 'it''s ?', "col?" FROM t -- why?\nWHERE x = ? /* and ? */ AND y = $$?$$ AND z = $tag$ ? $tag$ AND w = ?`,
      ),
    ).toBe(
      `SELECT 'what?', 'it''s ?', "col?" FROM t -- why?\nWHERE x = $1 /* and ? */ AND y = $$?$$ AND z = $tag$ ? $tag$ AND w = $2`,
    );
  });

  it('leaves numbered placeholders and text without placeholders as they are', () => {
    expect(toNumberedPlaceholders('SELECT $1, $2')).toBe('SELECT $1, $2');
    expect(toNumberedPlaceholders('SELECT 1')).toBe('SELECT 1');
  });
});
