/** The edges of a histogram's bins, for the values that break naive binning. */
import { describe, expect, it } from 'vitest';
import { histogramEdges } from './histogram.js';

/** Each value's bin (the last bin includes its upper edge), or -1 when none holds it. */
const binOf = (edges: number[], v: number) =>
  edges.findIndex(
    (from, i) =>
      i < edges.length - 1 &&
      v >= from &&
      (v < edges[i + 1]! || (i === edges.length - 2 && v <= edges[i + 1]!)),
  );

describe('histogramEdges', () => {
  it('chooses round widths from a multiple of the width, with an edge at 1.0 for compliance', () => {
    expect(histogramEdges(0.2, 3, 10)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
    expect(histogramEdges(0.51, 4.83, 20)).toContain(1);
  });

  it('puts values equal but for floating-point noise in one bin', () => {
    expect(histogramEdges(0.3, 0.1 + 0.2, 20)).toEqual([0.3, 0.1 + 0.2]);
    expect(histogramEdges(5, 5, 20)).toEqual([5, 5]);
  });

  it('starts at or below the minimum even when it sits just under a round edge', () => {
    const edges = histogramEdges(0.49999999999999994, 2.5, 20);
    expect(edges[0]).toBeLessThanOrEqual(0.49999999999999994);
    for (const v of [0.49999999999999994, 2.5, 0.3 - 0.1]) {
      if (v >= edges[0]!) expect(binOf(edges, v)).toBeGreaterThanOrEqual(0);
    }
  });

  it('keeps bins of non-zero width at large magnitudes, and a bounded count at any range', () => {
    const big = histogramEdges(123456789012, 123456789013, 20);
    for (let i = 1; i < big.length; i++) expect(big[i]!).toBeGreaterThan(big[i - 1]!);
    expect(binOf(big, 123456789013)).toBeGreaterThanOrEqual(0);
    const huge = histogramEdges(-1e308, 1e308, 20);
    expect(huge.length).toBeLessThanOrEqual(23);
    expect(binOf(huge, 0)).toBeGreaterThanOrEqual(0);
    expect(histogramEdges(-3, 7, 100).length).toBeLessThanOrEqual(103);
  });

  it('has no edges without two finite numbers', () => {
    expect(histogramEdges(Number.NaN, 1, 20)).toEqual([]);
    expect(histogramEdges(0, Number.POSITIVE_INFINITY, 20)).toEqual([]);
  });
});
