import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { displayWidth, OWN_MARKS } from '../src/output/width.js';

describe('displayWidth', () => {
  it('counts every mark runmeta prints as string-width does', () => {
    for (const mark of OWN_MARKS) expect(displayWidth(mark), mark).toBe(stringWidth(mark));
    expect(displayWidth(`a—b…≠ █▏`)).toBe(stringWidth(`a—b…≠ █▏`));
  });

  it('hands anything else to string-width', () => {
    for (const text of [
      '会議',
      'é',
      'e\u0301',
      '👍🏽',
      'a\u001b[31mred\u001b[39m',
      'tab\there',
      '\u0007',
    ])
      expect(displayWidth(text), JSON.stringify(text)).toBe(stringWidth(text));
    expect(displayWidth('会議')).toBe(4);
  });
});
