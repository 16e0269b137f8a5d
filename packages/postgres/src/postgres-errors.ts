/**
 * node-postgres errors as typed runmeta errors. PostgreSQL reports a SQLSTATE
 * code (https://www.postgresql.org/docs/current/errcodes-appendix.html); the
 * classes that mean something to a runmeta user get their own error, every
 * other failure is a `StorageError` that keeps the server's message.
 */
import {
  DatabaseLockedError,
  NotADatabaseError,
  ReadOnlyError,
  RunmetaError,
  ServerUnreachableError,
  StorageError,
  ValidationError,
} from '@runmeta/core';

interface PgError {
  code?: string;
  message?: string;
  detail?: string;
  table?: string;
  column?: string;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'ECONNRESET',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08006',
]);

/** Map a node-postgres error raised while working on `location`. */
export function classifyPgError(error: unknown, location: string): RunmetaError {
  if (error instanceof RunmetaError) return error;
  const e = (typeof error === 'object' && error ? error : {}) as PgError;
  const code = e.code ?? '';
  const message = e.message ?? String(error);
  const options = { cause: error };
  switch (code) {
    case '23505': {
      // "Key (run_id)=(x) already exists."
      const column = /^Key \(([^)]+)\)=/.exec(e.detail ?? '')?.[1] ?? 'value';
      return new ValidationError(
        e.table ? `${e.table}.${column}` : column,
        'must be unique, and a row with this value exists',
        options,
      );
    }
    case '23502':
      return new ValidationError(
        e.table && e.column ? `${e.table}.${e.column}` : (e.column ?? 'value'),
        'is required by this database (NOT NULL) but no value was given',
        options,
      );
    case '22P02':
    case '22003':
    case '23514':
      return new ValidationError('value', `the server refused it: ${message}`, options);
    case '22021': // a NUL character (U+0000), which SQLite text may hold
    case '22P05':
      return new ValidationError('value', `PostgreSQL text cannot hold it: ${message}`, options);
    // Program limits SQLite does not have: a key too long for an index (54000), a
    // statement too complex (54001), too many columns (54011) or arguments (54023).
    case '54000':
    case '54001':
    case '54011':
    case '54023':
      return new ValidationError('value', `it is beyond a PostgreSQL limit: ${message}`, options);
    case '25006':
      return new ReadOnlyError(location, 'writes are not possible here (read-only)', options);
    case '42501':
      return new ReadOnlyError(location, `the server refused the write: ${message}`, {
        ...options,
        hint: 'Grant this role CREATE on the database and USAGE, CREATE on its schemas',
      });
    case '55P03':
    case '40P01':
    case '57014':
      return new DatabaseLockedError(location, `the server gave up waiting: ${message}`, options);
    case '3D000':
      return new NotADatabaseError(location, `cannot be reached: ${message}`, {
        ...options,
        hint: 'Create the database (createdb) or fix the database name in the URL',
      });
    case '28P01':
    case '28000':
      return new ServerUnreachableError(location, `the server refused the login: ${message}`, {
        ...options,
        hint: 'Check the user and password in the URL (or PGUSER/PGPASSWORD)',
      });
    default:
      if (CONNECTION_CODES.has(code) || /connect|Connection terminated/i.test(message)) {
        return new ServerUnreachableError(location, `the server cannot be reached: ${message}`, {
          ...options,
          hint: 'Check that PostgreSQL runs and that the host and port in the URL are right',
        });
      }
      return new StorageError(`${location}: ${message}`, options);
  }
}
