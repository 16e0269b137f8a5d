import { describe, expect, it } from 'vitest';
import { isPostgresUrl, parsePostgresUrl } from './postgres-url.js';

describe('PostgreSQL URLs', () => {
  it('tells URLs from file paths', () => {
    expect(isPostgresUrl('postgres://h/db')).toBe(true);
    expect(isPostgresUrl('postgresql://h/db')).toBe(true);
    expect(isPostgresUrl('metadata/runs.db')).toBe(false);
    expect(isPostgresUrl('./postgres://x')).toBe(false);
  });

  it('takes the schema out of the connection string and hides the password', () => {
    const url = parsePostgresUrl(
      'postgres://me:secret@db.example:6543/sims?schema=runs&sslmode=require',
    );
    expect(url).toEqual({
      connectionString: 'postgres://me:secret@db.example:6543/sims?sslmode=require',
      schema: 'runs',
      database: 'runs.db',
      display: 'postgres://me:***@db.example:6543/sims?sslmode=require&schema=runs',
    });
  });

  it('defaults the schema to runmeta', () => {
    expect(parsePostgresUrl('postgres://localhost/sims').database).toBe('runmeta.db');
  });

  it('refuses what is not a URL, naming the expected form', () => {
    expect(() => parsePostgresUrl('postgres://host:99999999/db')).toThrow(
      /not a valid PostgreSQL URL.*postgres:\/\/user/,
    );
  });
});
