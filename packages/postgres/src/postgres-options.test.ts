/**
 * PostgreSQL options are validated like every input: a wrong value or an
 * unknown key is a ValidationError naming the option, before any connection
 * (the URL points at a closed port: connecting would fail differently).
 */
import { ValidationError } from '@runmeta/core';
import { describe, expect, it } from 'vitest';
import { createPostgresAdapter, openPostgresRunDatabase } from './index.js';
import { exportSqliteImage, importSqliteImage } from './sqlite-image.js';

const NOWHERE = 'postgres://runmeta@127.0.0.1:1/nowhere?schema=runs';

async function rejection(attempt: () => unknown): Promise<ValidationError> {
  let error: unknown;
  try {
    await attempt();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('openPostgresRunDatabase options', () => {
  it.each([
    [{ migration: { strategy: 'bogus' } }, 'migration.strategy', 'archive or carry-over'],
    [{ migration: { stratgy: 'carry-over' } }, 'migration.stratgy', 'did you mean strategy?'],
    [{ readonly: true }, 'readonly', 'did you mean readOnly?'],
    [{ lockTimeoutMs: Number.NaN }, 'lockTimeoutMs', '(got NaN)'],
    [{ client: 'ssl' }, 'client', '(got "ssl")'],
    [{ database: 'x' }, 'database', 'unknown key'],
  ])('refuses %o without connecting', async (options, field, text) => {
    const error = await rejection(() => openPostgresRunDatabase(NOWHERE, options as never));
    expect(error.field).toBe(field);
    expect(error.message).toContain(text);
  });
});

describe('createPostgresAdapter and importSqliteImage options', () => {
  it.each([
    [{ conectionString: NOWHERE }, 'conectionString'],
    [{ connectionString: '' }, 'connectionString'],
    [{ schemaPrefix: 5 }, 'schemaPrefix'],
    [{ client: [] }, 'client'],
  ])('createPostgresAdapter refuses %o', async (options, field) => {
    expect((await rejection(() => createPostgresAdapter(options as never))).field).toBe(field);
  });

  it('importSqliteImage refuses a bad option before reading the image', async () => {
    const adapter = createPostgresAdapter({ connectionString: NOWHERE });
    const error = await rejection(() =>
      importSqliteImage(adapter, 'runs.db', new Uint8Array(0), { pageSize: 0 }),
    );
    expect(error.field).toBe('pageSize');
  });

  it('importSqliteImage and exportSqliteImage check their adapter, name and bytes', async () => {
    const adapter = createPostgresAdapter({ connectionString: NOWHERE });
    const bytes = new Uint8Array(0);
    expect((await rejection(() => importSqliteImage(5 as never, 'runs.db', bytes))).field).toBe(
      'target',
    );
    expect((await rejection(() => importSqliteImage(adapter, '', bytes))).field).toBe('name');
    expect((await rejection(() => importSqliteImage(adapter, 'runs.db', 'x' as never))).field).toBe(
      'bytes',
    );
    expect((await rejection(() => exportSqliteImage(5 as never, 'runs.db'))).field).toBe('source');
    expect((await rejection(() => exportSqliteImage(adapter, ''))).field).toBe('name');
  });

  it('importSqliteImage takes a signal, as its CopyOptions say', async () => {
    const adapter = createPostgresAdapter({ connectionString: NOWHERE });
    const error = await importSqliteImage(adapter, 'runs.db', new Uint8Array(0), {
      signal: new AbortController().signal,
    }).catch((e: unknown) => e);
    // Past validation: it went on to the server (which is not there).
    expect(error).toMatchObject({ code: 'RUNMETA_UNREACHABLE' });
  });
});
