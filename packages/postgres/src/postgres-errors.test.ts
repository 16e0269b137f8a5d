import { describe, expect, it } from 'vitest';
import { classifyPgError } from './postgres-errors.js';

const pgError = (fields: Record<string, string>) =>
  Object.assign(new Error(fields.message ?? 'x'), fields);

describe('classifyPgError', () => {
  it('maps a unique violation to a validation error naming table.column', () => {
    const error = classifyPgError(
      pgError({ code: '23505', table: 'runs', detail: 'Key (run_id)=(r1) already exists.' }),
      'here',
    );
    expect(error).toMatchObject({ code: 'RUNMETA_VALIDATION', field: 'runs.run_id' });
  });

  it('maps NOT NULL, read-only, locks and missing databases to their typed errors', () => {
    expect(
      classifyPgError(pgError({ code: '23502', table: 'runs', column: 'started_at' }), 'h'),
    ).toMatchObject({
      code: 'RUNMETA_VALIDATION',
      field: 'runs.started_at',
    });
    expect(classifyPgError(pgError({ code: '25006' }), 'h').code).toBe('RUNMETA_READ_ONLY');
    expect(classifyPgError(pgError({ code: '55P03' }), 'h').code).toBe('RUNMETA_LOCKED');
    expect(
      classifyPgError(pgError({ code: '3D000', message: 'database "x" does not exist' }), 'h'),
    ).toMatchObject({
      code: 'RUNMETA_NOT_A_DATABASE',
      hint: expect.stringContaining('createdb'),
    });
  });

  it('maps text PostgreSQL cannot hold (a NUL character) to a validation error', () => {
    const error = classifyPgError(
      pgError({ code: '22021', message: 'invalid byte sequence for encoding "UTF8": 0x00' }),
      'h',
    );
    expect(error).toMatchObject({ code: 'RUNMETA_VALIDATION', field: 'value' });
    expect(error.message).toContain('0x00');
  });

  it('maps a PostgreSQL limit (a key too long for its index) to a validation error', () => {
    const error = classifyPgError(
      pgError({ code: '54000', message: 'index row size 8016 exceeds btree version 4 maximum' }),
      'h',
    );
    expect(error).toMatchObject({ code: 'RUNMETA_VALIDATION' });
    expect(error.message).toContain('index row size 8016');
  });

  it.for([
    ['54011', 'tables can have at most 1600 columns'],
    ['54001', 'stack depth limit exceeded'],
    ['54023', 'cannot pass more than 100 arguments to a function'],
  ])('maps the PostgreSQL limit %s to a validation error', ([code, message]) => {
    const error = classifyPgError(pgError({ code: code!, message: message! }), 'h');
    expect(error).toMatchObject({ code: 'RUNMETA_VALIDATION' });
    expect(error.message).toContain(message);
  });

  it('says what to check when the server cannot be reached or refuses the login', () => {
    expect(
      classifyPgError(
        pgError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }),
        'h',
      ),
    ).toMatchObject({
      code: 'RUNMETA_UNREACHABLE',
      hint: expect.stringContaining('host and port'),
    });
    expect(classifyPgError(pgError({ code: '28P01' }), 'h')).toMatchObject({
      code: 'RUNMETA_UNREACHABLE',
      hint: expect.stringMatching(/password/),
    });
  });
});
