/** How the pages show values: amounts grouped, years as written, nothing as a dash. */
import { describe, expect, it } from 'vitest';
import { count, decimals, money, show } from '../app/src/format.js';

describe('show', () => {
  it('groups amounts but never years', () => {
    expect(show(1825)).toBe('1,825');
    expect(show(1825, 'portalYear')).toBe('1825');
    expect(show(1948, 'origin_year')).toBe('1948');
    expect(show(17431392, 'tokensUsed')).toBe('17,431,392');
  });

  it('keeps small values readable, objects as JSON, and none as a dash', () => {
    expect(show(0.000123)).toBe('0.000123');
    expect(show({ dialog: 2 })).toBe('{"dialog":2}');
    expect(show(null)).toBe('—');
    expect(show('')).toBe('—');
  });
});

describe('count, money and decimals', () => {
  it('group counts, show dollars to the cent above $10 and to 1/100 cent below', () => {
    expect(count(1234567)).toBe('1,234,567');
    expect(money(0.01234)).toBe('$0.0123');
    expect(money(1234.5678)).toBe('$1,234.57');
    expect(show(Math.PI)).toBe('3.1416');
  });

  it('keeps one formatter per number of decimals', () => {
    expect(decimals(2).format(1.23456)).toBe('1.23');
    expect(decimals(5).format(1.23456)).toBe('1.23456');
    expect(decimals(2)).toBe(decimals(2));
  });
});
