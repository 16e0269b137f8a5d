import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortDistinctMechanisms, sortMechanisms } from './mechanisms.js';

describe('sortMechanisms', () => {
  it('sorts numerically, not as strings (M2 before M10)', () => {
    expect(sortMechanisms(['M10', 'M2', 'M1'])).toEqual(['M1', 'M2', 'M10']);
  });

  it('returns distinct values', () => {
    expect(sortMechanisms(['M3', 'M1', 'M3', 'M1', 'M3'])).toEqual(['M1', 'M3']);
  });

  it('puts M17 last among M1..M17', () => {
    const all = Array.from({ length: 17 }, (_, i) => `M${i + 1}`);
    const shuffled = [...all].reverse();
    const sorted = sortMechanisms(shuffled);
    expect(sorted).toEqual(all);
    expect(sorted.at(-1)).toBe('M17');
  });

  it('puts later mechanisms after M17', () => {
    expect(sortMechanisms(['M18', 'M17', 'M20', 'M9'])).toEqual(['M9', 'M17', 'M18', 'M20']);
  });

  it('puts a combined form right after its first part', () => {
    expect(sortMechanisms(['M2', 'M1+M17', 'M17', 'M1', 'M10'])).toEqual([
      'M1',
      'M1+M17',
      'M2',
      'M10',
      'M17',
    ]);
    expect(sortMechanisms(['M1+M17', 'M1+M2', 'M1'])).toEqual(['M1', 'M1+M2', 'M1+M17']);
  });

  it('puts forms without a number last', () => {
    expect(sortMechanisms(['custom', 'M3', 'M1'])).toEqual(['M1', 'M3', 'custom']);
  });

  it('accepts any iterable and does not modify the input', () => {
    const input = ['M10', 'M2'];
    expect(sortMechanisms(new Set(input))).toEqual(['M2', 'M10']);
    expect(input).toEqual(['M10', 'M2']);
    expect(sortMechanisms([])).toEqual([]);
  });

  it('property: distinct plain ids come out in numeric order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 60 }), (numbers) => {
        const result = sortMechanisms(numbers.map((n) => `M${n}`));
        const expected = [...new Set(numbers)].sort((a, b) => a - b).map((n) => `M${n}`);
        expect(result).toEqual(expected);
      }),
    );
  });
});

describe("sortDistinctMechanisms (the grouped read's sort)", () => {
  it('orders and dedupes any list exactly as sortMechanisms does', () => {
    const id = fc.oneof(
      fc.integer({ min: 1, max: 30 }).map((n) => `M${n}`),
      fc
        .tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }))
        .map(([a, b]) => `M${a}+M${b}`),
      fc.constantFrom('custom', 'é', 'e\u0301', 'M', ''),
      fc.string(),
    );
    fc.assert(
      fc.property(fc.array(id, { maxLength: 40 }), (list) => {
        expect(sortDistinctMechanisms([...list])).toEqual(sortMechanisms(list));
      }),
    );
  });
});
