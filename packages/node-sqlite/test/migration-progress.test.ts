/**
 * A carry-over with backfill reports real progress: for each copied table and for
 * the backfill, `done` rises page by page through values strictly between 0 and
 * `total`, and ends at `total` — which is the table's row count, read from the
 * untouched fixture through a plain better-sqlite3 connection.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MetadataManager, type MigrationProgress } from '@runmeta/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeSqliteAdapter } from '../src/index.js';
import { copyFixture, countRows, makeTempDir, removeDir } from './process-helpers.js';

const FIXTURE = 'deployed-v1-20col-393runs.db';
const CHILD_TABLES = ['mechanism_usage', 'resolution_assignments', 'validations'];

let dir: string;
beforeEach(() => {
  dir = makeTempDir('progress');
});
afterEach(() => removeDir(dir));

/** The progress events of one series (a table's copy, or the backfill). */
function series(events: MigrationProgress[], step: string, table?: string) {
  return events.filter((e) => e.step === step && e.table === table);
}

function expectRealProgress(events: MigrationProgress[], total: number, label: string) {
  expect(events.length, label).toBeGreaterThan(0);
  expect(new Set(events.map((e) => e.total)), label).toEqual(new Set([total]));
  const done = events.map((e) => e.done!);
  expect(done[0], label).toBe(0);
  expect(done.at(-1), label).toBe(total);
  for (let i = 1; i < done.length; i++) {
    expect(done[i], `${label}: event ${i}`).toBeGreaterThan(done[i - 1]!);
  }
  if (total > 1) {
    const between = done.filter((n) => n > 0 && n < total);
    expect(between.length, `${label}: intermediate values`).toBeGreaterThan(0);
  }
}

describe.each([
  ['a file (copied inside SQLite with ATTACH)', false],
  ['memory (copied page by page through JavaScript)', true],
] as const)('carry-over with backfill of the 20-column file, in %s', (_name, memory) => {
  it('reports monotonically rising progress per table and for the backfill, ending at each total', async () => {
    const source = copyFixture(FIXTURE, path.join(dir, 'source'));
    const counts = Object.fromEntries(
      ['runs', ...CHILD_TABLES].map((table) => [table, countRows(source, table)]),
    );
    const adapter = memory
      ? createNodeSqliteAdapter({ memory: true })
      : createNodeSqliteAdapter({ directory: path.dirname(source) });
    if (memory) await adapter.writeBytes('runs.db', new Uint8Array(fs.readFileSync(source)));
    const events: MigrationProgress[] = [];
    const manager = await MetadataManager.open({
      adapter,
      migration: { strategy: 'carry-over', backfill: true, pageSize: 100 },
      onMigrationProgress: (p) => events.push({ ...p }),
    });
    try {
      expect(manager.migration?.rowsCarried).toEqual(counts);
    } finally {
      await manager.close();
    }
    for (const table of ['runs', ...CHILD_TABLES]) {
      expectRealProgress(series(events, 'carry-over', table), counts[table]!, table);
    }
    expect(counts.runs).toBeGreaterThan(100);
    expectRealProgress(series(events, 'backfill'), counts.runs!, 'backfill');
  });
});
