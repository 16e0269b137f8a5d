import { describe, expect, it } from 'vitest';
import { CANONICAL_RUN_COLUMNS } from '../columns/registry.js';
import { SORT_KEYS } from './sort-key-defs.js';

describe('SORT_KEYS', () => {
  // The declarations name columns by their SQL names (to stay free of zod): each must be one.
  it('names only columns of the registry (or created)', () => {
    const columns = new Set(Object.values(CANONICAL_RUN_COLUMNS).map((c) => c.name));
    const unknown = Object.entries(SORT_KEYS)
      .filter(([, def]) => def.column !== 'created' && !columns.has(def.column))
      .map(([key, def]) => `${key}: ${def.column}`);
    expect(unknown).toEqual([]);
  });
});
