/**
 * `postgres://` URLs as runmeta database locations. The URL is node-postgres's
 * connection string plus one runmeta parameter, `schema`: the schema that holds
 * the runs (default `runmeta`), which is the runmeta database `<schema>.db`.
 */
import { ValidationError } from '@runmeta/core';

/** Default schema when a URL names none. */
export const DEFAULT_SCHEMA = 'runmeta';

/** Whether a `--db` value is a PostgreSQL URL rather than a file path. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/** A parsed runmeta PostgreSQL location. */
export interface PostgresLocation {
  /** The connection string for node-postgres (without runmeta's `schema` parameter). */
  connectionString: string;
  /** The schema holding the runs. */
  schema: string;
  /** The runmeta database name (`<schema>.db`), as core's managers name it. */
  database: string;
  /** The URL with any password hidden, for messages. */
  display: string;
}

/** Parse `postgres://user:password@host:port/database?schema=runs`. */
export function parsePostgresUrl(value: string): PostgresLocation {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ValidationError(
      'db',
      `"${value}" is not a valid PostgreSQL URL (postgres://user:password@host:5432/database?schema=runs)`,
      { operation: 'read' },
    );
  }
  if (!isPostgresUrl(value)) {
    throw new ValidationError('db', `"${value}" is not a postgres:// URL`, { operation: 'read' });
  }
  const schema = url.searchParams.get('schema') || DEFAULT_SCHEMA;
  url.searchParams.delete('schema');
  const display = new URL(url.href);
  if (display.password) display.password = '***';
  display.searchParams.set('schema', schema);
  return {
    connectionString: url.href,
    schema,
    database: `${schema}.db`,
    display: display.href,
  };
}
