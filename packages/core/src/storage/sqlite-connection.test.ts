import { describe, expect, it } from 'vitest';
import { ArchiveConflictError } from '../errors.js';
import { createMemoryContainer } from './memory-container.js';
import { overwriteRefused } from './refuse-overwrite.js';
import {
  applySqliteConnectionPragmas,
  type SqliteEngine,
  sqliteConnectionPragmas,
  sqliteInTransaction,
  sqliteQuickCheck,
  trackSqliteChanges,
} from './sqlite-connection.js';

/** An engine that records what it ran and answers from a table of values. */
function fakeEngine(values: Record<string, unknown | (() => unknown)>) {
  const ran: string[] = [];
  const engine: SqliteEngine = {
    exec: (sql) => {
      ran.push(sql);
    },
    value: (sql) => {
      const value = values[sql];
      return typeof value === 'function' ? value() : value;
    },
  };
  return { engine, ran };
}

describe('SQLite connection pragmas', () => {
  it('turns foreign keys on and schema code untrusted on every connection', () => {
    expect(sqliteConnectionPragmas()).toEqual([
      'PRAGMA foreign_keys = ON',
      'PRAGMA trusted_schema = OFF',
    ]);
  });

  it('adds query_only for a connection that cannot be opened read-only', () => {
    const { engine, ran } = fakeEngine({});
    applySqliteConnectionPragmas(engine, { queryOnly: true });
    expect(ran).toEqual([
      'PRAGMA foreign_keys = ON',
      'PRAGMA trusted_schema = OFF',
      'PRAGMA query_only = ON',
    ]);
  });
});

describe('trackSqliteChanges', () => {
  it('sees no change while no row was written and the schema cookie stayed', () => {
    const { engine } = fakeEngine({ 'PRAGMA schema_version': 3, 'SELECT total_changes()': 0 });
    expect(trackSqliteChanges(engine)()).toBe(false);
  });

  it('sees written rows', () => {
    let changes = 0;
    const { engine } = fakeEngine({
      'PRAGMA schema_version': 3,
      'SELECT total_changes()': () => changes,
    });
    const changed = trackSqliteChanges(engine);
    changes = 2n as unknown as number; // better-sqlite3 with safe integers answers bigints
    expect(changed()).toBe(true);
  });

  it('sees DDL, which writes no rows but moves the schema cookie', () => {
    let cookie = 3;
    const { engine } = fakeEngine({
      'PRAGMA schema_version': () => cookie,
      'SELECT total_changes()': 0,
    });
    const changed = trackSqliteChanges(engine);
    cookie = 4;
    expect(changed()).toBe(true);
  });

  it('never reports a change of bytes that are not a database', () => {
    const { engine } = fakeEngine({
      'PRAGMA schema_version': () => {
        throw new Error('file is not a database');
      },
      'SELECT total_changes()': 1,
    });
    expect(trackSqliteChanges(engine)()).toBe(false);
  });
});

describe('sqliteQuickCheck', () => {
  it('is null for a sound database and SQLite’s finding otherwise', () => {
    expect(sqliteQuickCheck(fakeEngine({ 'PRAGMA quick_check': 'ok' }).engine)).toBeNull();
    const finding = '*** in database main ***\nPage 3: btreeInitPage() returns error code 11';
    expect(sqliteQuickCheck(fakeEngine({ 'PRAGMA quick_check': finding }).engine)).toBe(finding);
    expect(sqliteQuickCheck(fakeEngine({}).engine)).toBe('');
  });
});

describe('overwriteRefused', () => {
  it('is an archive conflict naming the place, with the default or a given hint', () => {
    const error = overwriteRefused('memory:runs.db');
    expect(error).toBeInstanceOf(ArchiveConflictError);
    expect(error.message).toContain('memory:runs.db already exists and would be overwritten');
    expect(error.hint).toBe('Move or rename it first; runmeta never overwrites a database');
    expect(overwriteRefused('x', 'Rename the schema').hint).toBe('Rename the schema');
  });
});

describe('MemoryContainer.close', () => {
  const bytes = new Uint8Array([1, 2, 3]);
  const closing = (
    over: Partial<Parameters<ReturnType<typeof createMemoryContainer>['close']>[1]>,
  ) => ({
    readOnly: false,
    created: false,
    changed: () => false,
    serialize: () => bytes,
    ...over,
  });

  it('stores bytes back only from a writable connection that created or changed the database', async () => {
    const changes: string[] = [];
    const container = createMemoryContainer({ onChange: (name) => changes.push(name) });
    container.take('a.db', false);
    container.close('a.db', closing({ created: true }));
    expect(await container.readBytes('a.db')).toEqual(bytes);
    for (const unchanged of [closing({}), closing({ readOnly: true, changed: () => true })]) {
      container.take('a.db', false);
      container.close('a.db', { ...unchanged, serialize: () => new Uint8Array([9]) });
    }
    expect(await container.readBytes('a.db')).toEqual(bytes);
    container.take('a.db', false);
    container.close('a.db', closing({ changed: () => true, serialize: () => new Uint8Array([7]) }));
    expect(await container.readBytes('a.db')).toEqual(new Uint8Array([7]));
    expect(changes).toEqual(['a.db', 'a.db']);
    expect(await container.exists('a.db')).toBe(true);
  });
});

describe('sqliteInTransaction', () => {
  /** An engine whose `synchronous` is 1 and refuses to set it as SQLite does inside a transaction. */
  const engineIn = (open: boolean, set?: () => void) => {
    const ran: string[] = [];
    const engine: SqliteEngine = {
      value: (sql) => (sql === 'PRAGMA synchronous' ? 1 : undefined),
      exec: (sql) => {
        ran.push(sql);
        set?.();
        if (open) throw new Error('Safety level may not be changed inside a transaction');
      },
    };
    return { engine, ran };
  };

  it('asks the engine by setting synchronous to its own value', () => {
    const outside = engineIn(false);
    expect(sqliteInTransaction(outside.engine)).toBe(false);
    expect(outside.ran).toEqual(['PRAGMA synchronous = 1']);
    expect(sqliteInTransaction(engineIn(true).engine)).toBe(true);
  });

  it('takes any other failure for no open transaction', () => {
    const broken = engineIn(false, () => {
      throw new Error('file is not a database');
    });
    expect(sqliteInTransaction(broken.engine)).toBe(false);
    const unread: SqliteEngine = { value: () => undefined, exec: () => expect.unreachable() };
    expect(sqliteInTransaction(unread)).toBe(false);
  });
});
