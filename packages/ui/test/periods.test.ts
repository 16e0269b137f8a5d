/** The overview's time axis: empty periods filled in, across month and year ends, never without bound. */
import { describe, expect, it } from 'vitest';
import { fillPeriods } from '../app/src/periods.js';

const at = (period: string | null) => ({ period });
const fill = (periods: (string | null)[], by: 'day' | 'week' | 'month') =>
  fillPeriods(periods.map(at), by, at).map((p) => p.period);

describe('fillPeriods', () => {
  it('fills days, weeks and months across the end of a month and a year', () => {
    expect(fill(['2025-12-30', '2026-01-02'], 'day')).toEqual([
      '2025-12-30',
      '2025-12-31',
      '2026-01-01',
      '2026-01-02',
    ]);
    expect(fill(['2025-12-22', '2026-01-05'], 'week')).toEqual([
      '2025-12-22',
      '2025-12-29',
      '2026-01-05',
    ]);
    expect(fill(['2025-11', '2026-02', null], 'month')).toEqual([
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
      null,
    ]);
  });

  it('keeps the periods as given when filling would add too many, or they are not its steps', () => {
    expect(fill(['1970-01-01', '2025-11-01'], 'day')).toEqual(['1970-01-01', '2025-11-01']);
    // 2025-12-24 is a Wednesday: not a week the steps from Monday the 22nd reach.
    expect(fill(['2025-12-22', '2025-12-24'], 'week')).toEqual(['2025-12-22', '2025-12-24']);
  });
});
