import { describe, expect, it } from 'vitest';
import type { SchemaDetection } from '../migrate/detect.js';
import type { Row } from '../sql/values.js';
import type { StorageAdapter } from '../storage/adapter.js';
import { readDatabaseStatus, type StatusSource } from './status.js';

const V2: SchemaDetection = {
  kind: 'v2',
  version: '2.0',
  runsColumns: ['run_id', 'status', 'schema_version'],
  missingColumns: [],
  additionalColumns: ['note'],
  missingTables: [],
  missingIndexes: [],
} as unknown as SchemaDetection;

/** Integrity checks the stand-ins of {@link source} were asked for. */
let integrityChecks = 0;

/** A manager stand-in: 7 runs, 4 completed and 3 failed, and what else status asks. */
function source(detection: SchemaDetection, archive: string | null = null): StatusSource {
  return {
    database: 'runs.db',
    detection,
    query: async (sql: string): Promise<Row[]> =>
      sql.includes('GROUP BY')
        ? [
            { status: 'completed', n: 4 },
            { status: 'failed', n: 3 },
          ]
        : [{ n: 7 }],
    checkIntegrity: async () => {
      integrityChecks++;
      return 'ok';
    },
    archiveName: async () => archive,
  } as unknown as StatusSource;
}

/** An adapter that names files and cannot open any. */
const adapter = new Proxy({} as StorageAdapter, {
  get(_target, key) {
    if (key === 'describe') return (name: string) => `/data/${name}`;
    if (key === 'then' || key === 'dialect') return undefined;
    return () => {
      throw new Error(`cannot ${String(key)}`);
    };
  },
});

describe('readDatabaseStatus', () => {
  it('assembles the status of an up-to-date database without an archive', async () => {
    integrityChecks = 0;
    const status = await readDatabaseStatus(source(V2), { adapter });
    // The integrity check reads the whole database: only when asked for.
    expect(integrityChecks).toBe(0);
    expect(status).toEqual({
      path: '/data/runs.db',
      schemaVersion: '2.0',
      kind: 'v2',
      runsColumns: 3,
      runs: 7,
      runsByStatus: { completed: 4, failed: 3 },
      archive: null,
      integrity: null,
      upToDate: true,
      drift: {
        missingColumns: [],
        missingTables: [],
        missingIndexes: [],
        additionalColumns: ['note'],
      },
    });
    // The key order is the order `--json` prints.
    expect(Object.keys(status)).toEqual([
      'path',
      'schemaVersion',
      'kind',
      'runsColumns',
      'runs',
      'runsByStatus',
      'archive',
      'integrity',
      'upToDate',
      'drift',
    ]);
  });

  it('runs the integrity check when asked, and reports what it found', async () => {
    integrityChecks = 0;
    const status = await readDatabaseStatus(source(V2), { adapter, checkIntegrity: true });
    expect(integrityChecks).toBe(1);
    expect(status.integrity).toBe('ok');
  });

  it("counts runs by status with the adapter's dialect (byte-exact groups on SQLite)", async () => {
    const asked: string[] = [];
    const recording = {
      ...source(V2),
      query: async (sql: string) => {
        asked.push(sql);
        return [{ status: 'completed', n: 2 }];
      },
    } as StatusSource;
    const sqlite = { ...adapter, describe: adapter.describe, dialect: { name: 'sqlite' } };
    await readDatabaseStatus(recording, { adapter: sqlite as unknown as StorageAdapter });
    expect(asked.at(-1)).toContain('GROUP BY status COLLATE BINARY');
    // An adapter without a dialect is SQLite too.
    await readDatabaseStatus(recording, { adapter });
    expect(asked.at(-1)).toContain('GROUP BY status COLLATE BINARY');
    const server = { ...sqlite, dialect: { name: 'postgres' } };
    await readDatabaseStatus(recording, { adapter: server as unknown as StorageAdapter });
    expect(asked.at(-1)).not.toContain('COLLATE');
  });

  it('reports drift, and none for a newer database', async () => {
    const lacking = { ...V2, kind: 'v2-missing-columns', missingColumns: ['summary'] };
    const status = await readDatabaseStatus(source(lacking as SchemaDetection), { adapter });
    expect(status.upToDate).toBe(false);
    expect(status.drift.missingColumns).toEqual(['summary']);
    const newer = { ...V2, kind: 'newer', version: '3.0', missingColumns: ['summary'] };
    const later = await readDatabaseStatus(source(newer as SchemaDetection), { adapter });
    expect(later.drift).toEqual({
      missingColumns: [],
      missingTables: [],
      missingIndexes: [],
      additionalColumns: [],
    });
  });

  it('reports an archive that cannot be opened instead of throwing', async () => {
    const seen: unknown[] = [];
    const status = await readDatabaseStatus(source(V2, 'runs_v1_archive.db'), {
      adapter,
      describeError: (error) => {
        seen.push(error);
        return 'archive unreadable';
      },
    });
    expect(status.archive).toEqual({
      path: '/data/runs_v1_archive.db',
      schemaVersion: null,
      runs: null,
      error: 'archive unreadable',
    });
    expect(seen).toHaveLength(1);
  });

  it('says the error message by default', async () => {
    const status = await readDatabaseStatus(source(V2, 'runs_v1_archive.db'), { adapter });
    expect(typeof status.archive?.error).toBe('string');
    expect(status.archive?.error).not.toBe('');
  });
});
