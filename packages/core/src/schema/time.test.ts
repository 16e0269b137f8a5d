import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTimeInput, timeInputProblem, timeKey } from './time.js';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** An instant written the ways run databases hold it: separator, zone and fraction vary. */
const writtenInstant = fc
  .record({
    ms: fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) }),
    micro: fc.integer({ min: 0, max: 999 }),
    separator: fc.constantFrom('T', ' '),
    zone: fc.constantFrom('', 'Z', '+02:00', '-05:30', '+14:00', '-00:00', '+0100'),
    digits: fc.constantFrom(0, 3, 6),
  })
  .map(({ ms, micro, separator, zone, digits }) => {
    const offset =
      zone === '' || zone === 'Z'
        ? 0
        : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
    const local = new Date(ms + offset * 60_000);
    const fractionText = pad(ms % 1000, 3) + pad(micro, 3);
    const text = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}${separator}${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${digits ? `.${fractionText.slice(0, digits)}` : ''}${zone}`;
    // The instant in microseconds, as far as the written digits tell.
    const micros =
      Math.floor(ms / 1000) * 1_000_000 + Number(fractionText.slice(0, digits).padEnd(6, '0'));
    return { text, micros };
  });

describe('timeKey', () => {
  it('orders written times exactly as the instants they name, to the microsecond', () => {
    fc.assert(
      fc.property(writtenInstant, writtenInstant, (a, b) => {
        const ka = parseTimeInput(a.text);
        const kb = parseTimeInput(b.text);
        expect(Math.sign(ka < kb ? -1 : ka > kb ? 1 : 0)).toBe(Math.sign(a.micros - b.micros));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives one key to every spelling of one instant', () => {
    const spellings = [
      '2025-11-01T12:00:00',
      '2025-11-01 12:00:00',
      '2025-11-01T12:00:00.000',
      '2025-11-01T12:00',
      '2025-11-01T12:00:00Z',
      '2025-11-01T14:00:00+02:00',
      '2025-11-01T14:00:00+0200',
      '2025-11-01T07:30:00-04:30',
    ];
    expect(new Set(spellings.map(parseTimeInput))).toEqual(new Set(['2025-11-01T12:00:00']));
    expect(timeKey('2025-11-01')).toBe('2025-11-01T00:00:00');
    expect(timeKey('2025-12-31T23:59:59.999999-05:30')).toBe('2026-01-01T05:29:59.999999');
  });

  it('has no key for text that is not a time', () => {
    for (const text of [
      '',
      'yesterday',
      '2025-13-01',
      '2025-11-01T25:00',
      '2025-11-01Z',
      '12:00',
    ]) {
      expect(timeKey(text)).toBeNull();
    }
    expect(timeKey(null)).toBeNull();
    expect(timeKey(20251101)).toBeNull();
  });
});

describe('timeInputProblem', () => {
  it.each([
    ['2025-13-45', 'no month 13'],
    ['2025-02-30', '2025-02 has no day 30'],
    ['2023-02-29', '2023-02 has no day 29'],
    ['2025-04-31T10:00', '2025-04 has no day 31'],
    ['2025-11-01T24:00', 'the hour must be 00 to 23'],
    ['yesterday', 'must be an ISO-8601 time'],
    ['2025-11-01T12:00:00+15:00', 'must be an ISO-8601 time'],
  ])('refuses %j (%s)', (text, problem) => {
    expect(timeInputProblem(text)).toContain(problem);
    expect(() => parseTimeInput(text)).toThrow(problem);
  });

  it('accepts real dates, leap days included', () => {
    for (const text of ['2024-02-29', '2000-02-29T00:00:00Z', '2025-11-01 12:00:45.5+02:00']) {
      expect(timeInputProblem(text)).toBeNull();
    }
  });
});
