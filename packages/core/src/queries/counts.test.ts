import { describe, expect, it } from 'vitest';
import type { SchemaDetection } from '../migrate/detect.js';
import type { Row, SqlParams } from '../sql/values.js';
import { countArchivedStaleRuns, countRunsByStatus } from './counts.js';

/** A manager stand-in: answers queries with `rows` and keeps what it was asked. */
function recording(rows: Row[], runsColumns = ['run_id', 'status']) {
  const asked: { sql: string; params: SqlParams | undefined }[] = [];
  return {
    asked,
    detection: { runsColumns } as SchemaDetection,
    query: async (sql: string, params?: SqlParams) => {
      asked.push({ sql, params });
      return rows;
    },
  };
}

describe('countRunsByStatus', () => {
  it('maps each status row to its count, folding known statuses as reads do', async () => {
    const m = recording([
      { status: 'completed', n: 3 },
      { status: null, n: 1 },
      { status: 'paused', n: '2' },
    ]);
    expect(await countRunsByStatus(m)).toEqual({ completed: 3, null: 1, paused: 2 });
    const [{ sql, params }] = m.asked as [{ sql: string; params: SqlParams }];
    expect(params).toEqual(['running', 'completed', 'failed']);
    expect(sql).toContain('lower(trim(status)) IN (?, ?, ?)');
    // Grouped by the stored value first (the status index), then the groups folded.
    expect(sql).toContain('(SELECT status, count(*) AS n FROM runs GROUP BY status)');
    expect(sql).toContain('sum(n) AS n');
    expect(sql).toContain('GROUP BY 1 ORDER BY 1');
  });

  it('groups byte for byte on SQLite, whatever collation the column declares', async () => {
    const m = recording([]);
    await countRunsByStatus(m, { dialect: 'sqlite' });
    expect(m.asked[0]!.sql).toContain('GROUP BY status COLLATE BINARY');
    await countRunsByStatus(m, { dialect: 'postgres' });
    expect(m.asked[1]!.sql).not.toContain('COLLATE');
  });

  it('counts a runs table without a status column under null', async () => {
    const m = recording([{ status: null, n: 5 }], ['RUN_ID']);
    expect(await countRunsByStatus(m)).toEqual({ null: 5 });
    expect(m.asked[0]!.sql).toContain('(SELECT NULL AS status, count(*) AS n FROM runs)');
    expect(m.asked[0]!.sql).not.toMatch(/FROM runs GROUP BY/);
  });

  it('finds a status column whatever its case', async () => {
    const m = recording([], ['run_id', 'Status']);
    await countRunsByStatus(m);
    expect(m.asked[0]!.sql).toContain('FROM runs GROUP BY status');
  });
});

describe('countArchivedStaleRuns', () => {
  it('counts the stale runs only the archive holds', async () => {
    const given: unknown[] = [];
    const now = new Date('2025-01-01T00:00:00Z');
    const manager = {
      findStaleRuns: async (options: unknown) => {
        given.push(options);
        return [{ source: 'archive' }, { source: 'active' }, {}, { source: 'archive' }] as never;
      },
    };
    expect(await countArchivedStaleRuns(manager, { olderThanMs: 1000, now })).toBe(2);
    expect(given).toEqual([{ olderThanMs: 1000, now, includeArchive: true }]);
  });
});
