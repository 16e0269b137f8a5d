/**
 * The limits of a `--where` filter are written out on the reading-runs page;
 * they must be the ones the code enforces (`WHERE_LIMITS`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WHERE_LIMITS } from '@runmeta/core';
import { expect, it } from 'vitest';

const page = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../concepts/reading-runs.md',
);

it('documents the filter limits the code enforces', () => {
  const text = fs.readFileSync(page, 'utf8');
  const documented = Object.fromEntries(
    [
      ...text.matchAll(/^\| (conditions|nesting|`in` values|`like` pattern|filter) \| ([\d,]+)/gm),
    ].map(([, name, value]) => [name, Number(value!.replace(/,/g, ''))]),
  );
  expect(documented).toEqual({
    conditions: WHERE_LIMITS.conditions,
    nesting: WHERE_LIMITS.depth,
    '`in` values': WHERE_LIMITS.values,
    '`like` pattern': WHERE_LIMITS.patternLength,
    filter: WHERE_LIMITS.length,
  });
});
