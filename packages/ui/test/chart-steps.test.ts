/**
 * The category axis keeps labels on a range of any length: uPlot labels every
 * n-th category for the smallest step n in `CATEGORY_STEPS` that leaves room,
 * and draws no label at all when none does (6,439 days once showed none).
 */
import { describe, expect, it } from 'vitest';
import { CATEGORY_STEPS } from '../app/src/components/category-steps.js';

describe('CATEGORY_STEPS', () => {
  it('has a step that leaves room between labels for any number of categories', () => {
    // A date label needs about 80 px, so a 640 px chart has room for 8 labels.
    const room = 8;
    for (const n of [1, 31, 365, 1_000, 6_439, 36_525, 1_000_000]) {
      expect(
        CATEGORY_STEPS.some((step) => n / step <= room),
        `${n} categories`,
      ).toBe(true);
    }
  });

  it('grows step by step, so the labels thin out gradually', () => {
    for (let i = 1; i < CATEGORY_STEPS.length; i++) {
      const [before, step] = [CATEGORY_STEPS[i - 1]!, CATEGORY_STEPS[i]!];
      expect(step).toBeGreaterThan(before);
      expect(step / before).toBeLessThanOrEqual(3);
    }
  });
});
