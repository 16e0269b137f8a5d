import { describe, expect, it } from 'vitest';
import {
  classifySqliteError,
  FileSystemError,
  fileSystemError,
  systemErrorCode,
} from './error-classification.js';
import {
  ArchiveConflictError,
  ClosedError,
  DatabaseLockedError,
  DatabaseTooLargeError,
  ERROR_CODES,
  InterruptedError,
  MigrationError,
  NeedsMigrationError,
  NewerSchemaError,
  NotADatabaseError,
  ReadOnlyError,
  RunFinishedError,
  RunmetaError,
  RunNotFoundError,
  ServerUnreachableError,
  StorageError,
  UnsafeSchemaError,
  ValidationError,
} from './errors.js';

const EXAMPLES: [string, RunmetaError, string][] = [
  ['ValidationError', new ValidationError('costUsd', 'must not be negative'), 'RUNMETA_VALIDATION'],
  ['RunNotFoundError', new RunNotFoundError('run_x'), 'RUNMETA_RUN_NOT_FOUND'],
  ['RunFinishedError', new RunFinishedError('run_x', 'completed'), 'RUNMETA_RUN_FINISHED'],
  [
    'NeedsMigrationError',
    new NeedsMigrationError('runs.db', 'schema v1'),
    'RUNMETA_NEEDS_MIGRATION',
  ],
  ['NewerSchemaError', new NewerSchemaError('runs.db', '3.0', '2.0'), 'RUNMETA_NEWER_SCHEMA'],
  ['NotADatabaseError', new NotADatabaseError('x.db', 'is not SQLite'), 'RUNMETA_NOT_A_DATABASE'],
  ['DatabaseLockedError', new DatabaseLockedError('runs.db', 'busy'), 'RUNMETA_LOCKED'],
  ['ReadOnlyError', new ReadOnlyError('runs.db', 'no write'), 'RUNMETA_READ_ONLY'],
  [
    'DatabaseTooLargeError',
    new DatabaseTooLargeError('runs.db', 300 * 2 ** 20, 256 * 2 ** 20),
    'RUNMETA_TOO_LARGE',
  ],
  [
    'ArchiveConflictError',
    new ArchiveConflictError('Archive exists', 'Move it away first'),
    'RUNMETA_ARCHIVE_CONFLICT',
  ],
  [
    'UnsafeSchemaError',
    new UnsafeSchemaError('runs.db', [{ kind: 'trigger', name: 'audit', table: 'runs' }]),
    'RUNMETA_UNSAFE_SCHEMA',
  ],
  ['MigrationError', new MigrationError('verify failed'), 'RUNMETA_MIGRATION_FAILED'],
  [
    'InterruptedError',
    new InterruptedError('interrupted; runs.db unchanged', 'SIGINT'),
    'RUNMETA_INTERRUPTED',
  ],
  ['ClosedError', new ClosedError('MetadataManager'), 'RUNMETA_CLOSED'],
  ['StorageError', new StorageError('boom'), 'RUNMETA_STORAGE'],
  [
    'ServerUnreachableError',
    new ServerUnreachableError('postgres://h/db', 'connection refused'),
    'RUNMETA_UNREACHABLE',
  ],
  [
    'FileSystemError',
    new FileSystemError('cannot create the folder', '/x/metadata', 'EACCES'),
    'RUNMETA_FILE_SYSTEM',
  ],
];

/** CLI exit codes by code (1 internal, 2 bad input, 3 database problem). */
const EXPECTED_EXIT: Record<string, number> = {
  RUNMETA_VALIDATION: 2,
  RUNMETA_RUN_NOT_FOUND: 2,
  RUNMETA_RUN_FINISHED: 2,
  RUNMETA_NEEDS_MIGRATION: 3,
  RUNMETA_NEWER_SCHEMA: 3,
  RUNMETA_NOT_A_DATABASE: 3,
  RUNMETA_LOCKED: 3,
  RUNMETA_READ_ONLY: 3,
  RUNMETA_UNSAFE_SCHEMA: 3,
  RUNMETA_ARCHIVE_CONFLICT: 3,
  RUNMETA_MIGRATION_FAILED: 3,
  RUNMETA_TOO_LARGE: 3,
  RUNMETA_UNREACHABLE: 3,
  RUNMETA_FILE_SYSTEM: 3,
  RUNMETA_CLOSED: 1,
  RUNMETA_STORAGE: 1,
  // 128 + SIGINT, what a shell reports for a command stopped with Ctrl-C.
  RUNMETA_INTERRUPTED: 130,
};

describe('error classes', () => {
  it.each(EXAMPLES)('%s has a stable code, a hint and the table exit code', (name, error, code) => {
    expect(error).toBeInstanceOf(RunmetaError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(Object.keys(ERROR_CODES)).toContain(error.code);
    expect(error.exitCode).toBe(ERROR_CODES[error.code].exitCode);
    expect(error.exitCode).toBe(EXPECTED_EXIT[code]);
    expect(error.hint).toBeTruthy();
    expect(error.message.startsWith('[runmeta] ')).toBe(true);
    expect(error.message.endsWith(error.hint!)).toBe(true);
    expect(error.message).not.toContain('\n');
  });

  it('covers every code in ERROR_CODES with a class', () => {
    expect(new Set(EXAMPLES.map(([, e]) => e.code))).toEqual(new Set(Object.keys(ERROR_CODES)));
  });

  it('gives every code a summary and a CLI exit code of 1, 2, 3 or 130 (interrupted)', () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      expect(entry.summary.length, code).toBeGreaterThan(0);
      expect([1, 2, 3, 130], code).toContain(entry.exitCode);
      expect(code).toMatch(/^RUNMETA_[A-Z_]+$/);
    }
  });

  it('ValidationError names the field in .field and the message', () => {
    const error = new ValidationError('fidelityStrategy.tokenBudget', 'must be finite');
    expect(error.field).toBe('fidelityStrategy.tokenBudget');
    expect(error.message).toContain('fidelityStrategy.tokenBudget');
    expect(error.message).toContain('must be finite');
  });

  it('formats "[runmeta] <what>. <hint>"', () => {
    const error = new ArchiveConflictError('runs_v1_archive.db exists', 'Remove it');
    expect(error.message).toBe('[runmeta] runs_v1_archive.db exists. Remove it');
    const bare = new RunmetaError('RUNMETA_STORAGE', 'plain');
    expect(bare.message).toBe('[runmeta] plain');
    expect(bare.hint).toBeUndefined();
  });

  it('carries the ids and versions it is about', () => {
    expect(new RunNotFoundError('run_42').runId).toBe('run_42');
    const newer = new NewerSchemaError('runs.db', '3.0', '2.0');
    expect(newer.schemaVersion).toBe('3.0');
    expect(newer.message).toContain('3.0');
  });

  it('keeps the cause', () => {
    const cause = new Error('underlying');
    expect(new StorageError('x', { cause }).cause).toBe(cause);
    expect(new StorageError('x').cause).toBeUndefined();
  });
});

/** An error shaped like better-sqlite3's SqliteError. */
function sqliteError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifySqliteError', () => {
  it.each([
    [
      'SQLITE_NOTADB code',
      sqliteError('SQLITE_NOTADB', 'file is not a database'),
      NotADatabaseError,
    ],
    ['sql.js "file is not a database"', new Error('file is not a database'), NotADatabaseError],
    [
      'SQLITE_CORRUPT',
      sqliteError('SQLITE_CORRUPT', 'database disk image is malformed'),
      NotADatabaseError,
    ],
    ['sql.js malformed', new Error('database disk image is malformed'), NotADatabaseError],
    ['SQLITE_BUSY', sqliteError('SQLITE_BUSY', 'database is locked'), DatabaseLockedError],
    ['SQLITE_BUSY_SNAPSHOT', sqliteError('SQLITE_BUSY_SNAPSHOT', 'x'), DatabaseLockedError],
    ['SQLITE_LOCKED', sqliteError('SQLITE_LOCKED', 'table is locked'), DatabaseLockedError],
    ['sql.js locked', new Error('database is locked'), DatabaseLockedError],
    [
      'SQLITE_READONLY',
      sqliteError('SQLITE_READONLY', 'attempt to write a readonly database'),
      ReadOnlyError,
    ],
    ['readonly message', new Error('attempt to write a readonly database'), ReadOnlyError],
    [
      'SQLITE_CANTOPEN',
      sqliteError('SQLITE_CANTOPEN', 'unable to open database file'),
      NotADatabaseError,
    ],
    ['SQLITE_FULL', sqliteError('SQLITE_FULL', 'database or disk is full'), FileSystemError],
    ['ENOSPC', new Error('ENOSPC: no space left on device'), FileSystemError],
    ['EACCES', sqliteError('EACCES', "EACCES: permission denied, mkdir 'm'"), FileSystemError],
    ['unknown', new Error('something odd'), StorageError],
    ['a string', 'weird failure', StorageError],
  ] as const)('maps %s', (_label, error, expected) => {
    const mapped = classifySqliteError(error, 'runs.db');
    expect(mapped).toBeInstanceOf(expected);
    expect(mapped.message).toContain('runs.db');
    expect(mapped.message.startsWith('[runmeta] ')).toBe(true);
    if (error instanceof Error) expect(mapped.cause).toBe(error);
  });

  it('gives database problems exit code 3', () => {
    for (const code of ['SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_BUSY', 'SQLITE_READONLY']) {
      expect(classifySqliteError(sqliteError(code, 'x'), 'runs.db').exitCode, code).toBe(3);
    }
  });

  it('tells corrupt apart from not-a-database in the message', () => {
    const notDb = classifySqliteError(sqliteError('SQLITE_NOTADB', 'x'), 'a.db');
    const corrupt = classifySqliteError(sqliteError('SQLITE_CORRUPT', 'x'), 'a.db');
    expect(notDb.message).toMatch(/not a SQLite database/);
    expect(corrupt.message).toMatch(/corrupt/);
  });

  it('names the column of a failed UNIQUE or PRIMARY KEY constraint', () => {
    for (const message of [
      'UNIQUE constraint failed: runs.run_id',
      'PRIMARY KEY constraint failed: runs.run_id',
    ]) {
      const mapped = classifySqliteError(
        sqliteError('SQLITE_CONSTRAINT_PRIMARYKEY', message),
        'x.db',
      );
      expect(mapped).toBeInstanceOf(ValidationError);
      expect(mapped).toMatchObject({ field: 'runs.run_id', code: 'RUNMETA_VALIDATION' });
      expect(mapped.message).toMatch(/must be unique/);
    }
  });

  it('mentions the full disk for SQLITE_FULL, as a file-system problem (exit 3, not internal)', () => {
    const full = classifySqliteError(sqliteError('SQLITE_FULL', 'x'), 'runs.db');
    expect(full.message).toMatch(/disk is full/);
    expect(full.code).toBe('RUNMETA_FILE_SYSTEM');
    expect(full.exitCode).toBe(3);
  });

  it('returns runmeta errors unchanged', () => {
    const original = new RunNotFoundError('r');
    expect(classifySqliteError(original, 'runs.db')).toBe(original);
  });
});

/** SDK words: method calls and option assignments. */
const SDK_WORDS = /\w\(\)|\b(readOnly|includeArchive|autoMigrate|maxBytes|replace|confirm): true/;
/** CLI words: flags and commands. */
const CLI_WORDS = /(^|[\s`(])--[a-z]|`runmeta /;

describe('hints in the words of each interface', () => {
  const variants: [string, RunmetaError][] = [
    ...EXAMPLES.map(([name, error]): [string, RunmetaError] => [name, error]),
    ['RunNotFoundError in the archive', new RunNotFoundError('r', { archive: 'a.db' })],
    [
      'RunNotFoundError in the archive (write)',
      new RunNotFoundError('r', { archive: 'a.db', operation: 'write' }),
    ],
    [
      'ValidationError of a read',
      new ValidationError('filter.since', 'bad', { operation: 'read' }),
    ],
    [
      'ReadOnlyError of a read-only manager',
      new ReadOnlyError('runs.db', 'opened with readOnly: true', {
        hint: 'Open it without readOnly: true to write to it',
        cliHint: 'Run with --debug and report it',
      }),
    ],
  ];

  it.each(variants)('%s: the CLI hint names no SDK option or method', (_name, error) => {
    expect(error.cliHint ?? error.hint ?? '').not.toMatch(SDK_WORDS);
  });

  it.each(variants)('%s: the SDK hint names no CLI flag or command', (_name, error) => {
    expect(error.hint ?? '').not.toMatch(CLI_WORDS);
  });

  it('keeps what went wrong apart from the hint', () => {
    const error = new RunNotFoundError('run_x');
    expect(error.problem).toBe('Run "run_x" not found');
    expect(error.message).toBe(`[runmeta] ${error.problem}. ${error.hint}`);
    expect(error.hint).toContain('getAllRuns({ includeArchive: true })');
    expect(error.cliHint).toContain('runmeta runs list --include-archive');
  });

  it('a run found only in the archive names it and how to read it', () => {
    const read = new RunNotFoundError('r', { archive: 'metadata/runs_v1_archive.db' });
    expect(read.message).toContain('in the archive metadata/runs_v1_archive.db');
    expect(read.hint).toContain('includeArchive: true');
    expect(read.cliHint).toContain('--include-archive');
    const write = new RunNotFoundError('r', { archive: 'a.db', operation: 'write' });
    expect(write.message).toContain('read-only');
    expect(write.message).not.toContain('includeArchive');
  });

  it('a rejected read value does not claim that nothing was written', () => {
    expect(new ValidationError('since', 'bad', { operation: 'read' }).message).not.toContain(
      'written',
    );
    expect(new ValidationError('costUsd', 'bad').message).toContain('nothing was written');
  });

  it('a file that is not a database gets no server advice', () => {
    for (const error of [
      new NotADatabaseError('runs.db', 'is not a SQLite database'),
      classifySqliteError(sqliteError('SQLITE_CORRUPT', 'malformed'), 'runs.db'),
      classifySqliteError(sqliteError('SQLITE_NOTADB', 'x'), 'runs.db'),
    ]) {
      expect(`${error.hint} ${error.cliHint}`).not.toContain('postgres');
    }
  });

  it("a caller's own hint replaces both default hints", () => {
    const error = new NotADatabaseError('x', 'is odd', { hint: 'Do this' });
    expect(error.hint).toBe('Do this');
    expect(error.cliHint).toBeUndefined();
  });
});

describe('file-system errors', () => {
  it('name the action, the path and the reason in words', () => {
    const error = new FileSystemError('cannot create the folder', '/x/metadata', 'EACCES');
    expect(error.problem).toBe('cannot create the folder /x/metadata: permission denied (EACCES)');
    expect(error).toMatchObject({ path: '/x/metadata', systemCode: 'EACCES', exitCode: 3 });
    expect(error.message).not.toMatch(/readOnly|read-only/);
  });

  it.each([
    ['EACCES', 'permission denied'],
    ['EPERM', 'operation not permitted'],
    ['ENOENT', 'no such file or folder'],
    ['EISDIR', 'is a folder, not a file'],
    ['ENOTDIR', 'not a folder'],
    ['ENOSPC', 'disk is full'],
    ['EROFS', 'read-only'],
  ])('map a system error %s to its reason', (code, reason) => {
    const system = Object.assign(new Error(`${code}: x, open '/p'`), { code, path: '/p' });
    expect(systemErrorCode(system)).toBe(code);
    const mapped = fileSystemError(system, 'cannot write', '/p') as FileSystemError;
    expect(mapped).toBeInstanceOf(FileSystemError);
    expect(mapped.message).toContain(reason);
    expect(mapped.cause).toBe(system);
    expect(mapped.hint).toBeTruthy();
  });

  it('leave other errors unchanged', () => {
    const plain = new Error('boom');
    expect(fileSystemError(plain, 'cannot write', '/p')).toBe(plain);
    const typed = new RunNotFoundError('r');
    expect(fileSystemError(typed, 'cannot write', '/p')).toBe(typed);
  });
});
