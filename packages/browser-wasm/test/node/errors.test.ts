/**
 * Errors a page shows are in SDK words: a file that is not a
 * run database is not answered with the CLI's "Check --db", nor with PostgreSQL
 * advice the page has nothing to do with.
 */
import { MetadataManager, type RunmetaError } from '@runmeta/core';
import { describe, expect, it } from 'vitest';
import { createSqlJsAdapter } from '../../src/index.js';

/** CLI flags and server URLs: nothing a page (or its user) can act on. */
const NOT_FOR_A_PAGE = /--[a-z]|postgres/;

async function refusal(bytes: Uint8Array | null, readOnly = false): Promise<RunmetaError> {
  const adapter = await createSqlJsAdapter();
  if (bytes) await adapter.writeBytes('runs.db', bytes);
  return MetadataManager.open({ adapter, readOnly }).then(
    () => {
      throw new Error('the open must fail');
    },
    (error: RunmetaError) => error,
  );
}

describe('errors of the browser adapter', () => {
  it.each([
    ['bytes that are not SQLite', new Uint8Array(4096).map((_, i) => (i * 7919) % 251)],
    [
      'a damaged SQLite file',
      new Uint8Array(4096).map((_, i) => (i < 16 ? 'SQLite format 3\0'.charCodeAt(i) : 7)),
    ],
  ])('%s: a typed error without CLI or server advice', async (_name, bytes) => {
    const error = await refusal(bytes);
    expect(error.code).toBe('RUNMETA_NOT_A_DATABASE');
    expect(error.message).not.toMatch(NOT_FOR_A_PAGE);
  });

  it('a database that does not exist (read-only open): no CLI or server advice', async () => {
    const error = await refusal(null, true);
    expect(error.code).toBe('RUNMETA_NOT_A_DATABASE');
    expect(error.message).not.toMatch(NOT_FOR_A_PAGE);
  });
});
