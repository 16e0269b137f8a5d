/**
 * The CLI guide lists the indexes runmeta keeps on `runs`; they must be the
 * ones the column registry declares (`TABLES.runs`), with their columns.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TABLES } from '@runmeta/core/adapter';
import { expect, it } from 'vitest';

const page = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../guide/cli.md');

it('documents every index the registry declares on runs', () => {
  const text = fs.readFileSync(page, 'utf8');
  const paragraph = text.slice(
    text.indexOf('Indexes: the v2 schema'),
    text.indexOf('## Comparing'),
  );
  for (const column of Object.values(TABLES.runs.columns).filter((c) => c.indexed))
    expect(paragraph, column.name).toContain(`\`${column.name}\``);
  const rows = [...paragraph.matchAll(/^\| `(idx_\w+)` \| ([^|]+) \| (.+) \|$/gm)].map(
    ([, name, cols, purpose]) => ({
      name,
      columns: [...cols!.matchAll(/`(\w+)`/g)].map((m) => m[1]),
      purpose,
    }),
  );
  for (const index of TABLES.mechanismUsage.indexes) {
    const columns = index.columns.map((c) => `\`${c}\``).join(', ');
    expect(text).toContain(`\`${index.name}\` on ${columns}: ${index.purpose}`);
  }
  expect(rows).toEqual(
    (TABLES.runs.indexes ?? []).map((index) => ({
      name: index.name,
      columns: [...index.columns],
      purpose: index.purpose,
    })),
  );
});
