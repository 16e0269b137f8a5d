/** How the pages show values: amounts grouped, years as written, nothing as a dash. */
import { describe, expect, it } from 'vitest';
import {
  cellText,
  clock,
  count,
  decimals,
  heading,
  isNumeric,
  money,
  show,
  storedText,
} from '../app/src/format.js';

describe('show', () => {
  it('groups amounts but never years', () => {
    expect(show(1825)).toBe('1,825');
    expect(show(1825, 'portalYear')).toBe('1825');
    expect(show(1948, 'origin_year')).toBe('1948');
    expect(show(17431392, 'tokensUsed')).toBe('17,431,392');
  });

  it('shows a cost in dollars, a tiny one to three significant digits', () => {
    expect(show(0.01234, 'costUsd')).toBe('$0.0123');
    expect(show(0.000123, 'costUsd')).toBe('$0.000123');
    expect(show(0, 'costUsd')).toBe('$0');
    expect(show(2.5, 'cost_usd')).toBe('$2.5');
    expect(show(null, 'costUsd')).toBe('—');
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
    expect(money(-0.5)).toBe('-$0.5');
    expect(money(-12.345)).toBe('-$12.35');
    expect(show(Math.PI)).toBe('3.1416');
  });

  it('keeps one formatter per number of decimals', () => {
    expect(decimals(2).format(1.23456)).toBe('1.23');
    expect(decimals(5).format(1.23456)).toBe('1.23456');
    expect(decimals(2)).toBe(decimals(2));
  });
});

describe('the run list', () => {
  it('heads a column by its sort key where it has one, else by its field', () => {
    expect(heading('costUsd')).toBe('cost');
    expect(heading('llmCalls')).toBe('llm calls');
    expect(heading('tokenBudgetCompliance')).toBe('compliance');
    expect(heading('runId')).toBe('run id');
    expect(heading('created')).toBe('created');
    expect(heading('goal')).toBe('goal');
    expect(heading('extra.summary')).toBe('extra.summary');
  });

  it("shows a time field's ISO time to the second, and anything else as show does", () => {
    expect(cellText('2026-01-07T10:05:35.881152', 'created')).toBe('2026-01-07 10:05:35');
    expect(cellText('2025-11-02T10:00:00Z', 'startedAt')).toBe('2025-11-02 10:00:00 UTC');
    expect(cellText('2025-11-02 10:00:00.5+02:00', 'updated')).toBe('2025-11-02 10:00:00 +02:00');
    expect(cellText('yesterday', 'created')).toBe('yesterday');
    expect(cellText('2026-01-07T10:05:35.881152', 'goal')).toBe('2026-01-07T10:05:35.881152');
    expect(cellText(1825, 'portalYear')).toBe('1825');
    expect(cellText(null, 'created')).toBe('—');
  });
});

describe('a cell', () => {
  it('is right-aligned for a number, and for none in a field of numbers', () => {
    expect(isNumeric(0.2274, 'costUsd')).toBe(true);
    expect(isNumeric(null, 'costUsd')).toBe(true);
    expect(isNumeric(null, 'tokenBudgetCompliance')).toBe(true);
    expect(isNumeric(null, 'templateId')).toBe(false);
    expect(isNumeric(null, 'goal')).toBe(false);
    expect(isNumeric('x')).toBe(false);
  });

  it('keeps the stored value in its title: unrounded, ungrouped', () => {
    expect(storedText(0.067278)).toBe('0.067278');
    expect(storedText(26911)).toBe('26911');
    expect(storedText({ dialog: 2 })).toBe('{"dialog":2}');
    expect(storedText(null)).toBe('');
  });
});

describe('clock', () => {
  it('shows the time of day today, and the date too on another day', () => {
    const now = new Date(2026, 10, 30, 15, 0, 0);
    const today = clock(new Date(2026, 10, 30, 9, 41, 7).toISOString(), now);
    const earlier = clock(new Date(2026, 10, 29, 9, 41, 7).toISOString(), now);
    expect(today).toMatch(/9:41:07/);
    expect(today).not.toMatch(/2026/);
    expect(earlier).toMatch(/9:41:07/);
    expect(earlier).toMatch(/2026/);
  });
});
