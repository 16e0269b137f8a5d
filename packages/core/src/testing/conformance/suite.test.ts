import { describe, expect, it } from 'vitest';
import { CONFORMANCE_CASES, type ConformanceOptions, skipMapProblems } from './suite.js';

const JUNK_ON_OPEN = 'refuses bytes that are not SQLite, unchanged';
const JUNK_ON_IMPORT = 'refuses bytes that are not SQLite when importing them, creating nothing';

describe('the conformance case list', () => {
  it('names every case once, the per-row and per-fixture cases included', () => {
    expect(new Set(CONFORMANCE_CASES).size).toBe(CONFORMANCE_CASES.length);
    expect(CONFORMANCE_CASES).toContain(JUNK_ON_OPEN);
    expect(CONFORMANCE_CASES).toContain(JUNK_ON_IMPORT);
    expect(CONFORMANCE_CASES).toContain('startRun rejects a bad %s');
    // Three real fixtures, each with both strategies.
    expect(CONFORMANCE_CASES.filter((name) => name.startsWith('opens the real '))).toHaveLength(6);
  });
});

describe('skipMapProblems', () => {
  it('accepts no skips, and real cases skipped with a sentence', () => {
    expect(skipMapProblems({})).toEqual([]);
    expect(
      skipMapProblems({
        [JUNK_ON_OPEN]: 'A server imports images, so junk never reaches an open.',
        [JUNK_ON_IMPORT]: 'A file store has no import step.',
      }),
    ).toEqual([]);
  });

  it('names a skip that is no case (a typo, or a case since renamed)', () => {
    expect(
      skipMapProblems({ 'refuses bytes that are not sqlite': 'Spelled in another case.' }),
    ).toEqual(['"refuses bytes that are not sqlite" is not a conformance case']);
  });

  it('names a reason that is not a sentence', () => {
    for (const reason of ['', 'n/a', 'not supported here', ' Padded with spaces. ', undefined]) {
      expect(skipMapProblems({ [JUNK_ON_OPEN]: reason })).toEqual([
        `the reason for skipping "${JUNK_ON_OPEN}" is not a sentence: ${JSON.stringify(reason)}`,
      ]);
    }
  });

  it('is typed: a skip map may only name conformance cases', () => {
    const skip: ConformanceOptions['skip'] = {
      // @ts-expect-error a name that is no conformance case does not typecheck
      'refuses bytes that are not sqlite': 'Spelled in another case.',
    };
    expect(Object.keys(skip ?? {})).toHaveLength(1);
  });
});
