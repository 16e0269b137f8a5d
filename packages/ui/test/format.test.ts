/** How the pages show values: amounts grouped, years as written, nothing as a dash. */
import { describe, expect, it } from 'vitest';
import { show } from '../app/src/format.js';

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
