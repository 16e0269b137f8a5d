/**
 * `importRunDatabase` from the real legacy files into PostgreSQL: every table,
 * every column and every row arrives (compared value by value with the source,
 * in insertion order), the v1 files are then migrated on the server, and the
 * source file is never changed.
 */
import path from 'node:path';
import {
  ArchiveConflictError,
  importRunDatabase,
  MetadataManager,
  NotADatabaseError,
  openDatabase,
  type StorageAdapter,
} from '@runmeta/core';
import { quoteIdent, type Row, schemaDdl } from '@runmeta/core/adapter';
import { createNodeSqliteAdapter } from '@runmeta/node-sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { copyFixture, makeTempDir, removeDir, sha256 } from '../../../test-support/temp-files.js';
import { dropTestSchemas, freshAdapter } from './support.js';

const temp = makeTempDir('pg-import');
afterAll(async () => {
  removeDir(temp);
  await dropTestSchemas();
});

/** Every table of a database, rows in insertion order, without the server's `_rowid_`. */
async function dump(adapter: StorageAdapter, name: string): Promise<Record<string, Row[]>> {
  const db = await openDatabase(adapter, name, { readOnly: true });
  try {
    const { tables } = await db.dialect.observeSchema(db);
    const out: Record<string, Row[]> = {};
    for (const [table, columns] of Object.entries(tables)) {
      if (table === 'sqlite_sequence') continue;
      const list = columns.map((c) => quoteIdent(c.name)).join(', ');
      out[table] = await db.all(`SELECT ${list} FROM ${quoteIdent(table)} ORDER BY _rowid_`);
    }
    return out;
  } finally {
    await db.close();
  }
}

function sourceOf(fixture: string) {
  const file = copyFixture(fixture, path.join(temp, `${fixture}-${Math.random()}`));
  const adapter = createNodeSqliteAdapter({ directory: path.dirname(file) });
  return { file, adapter, database: path.basename(file) };
}

const FIXTURES = {
  'deployed-v1-18col-9runs.db': { runs: 9, kind: 'v1-deployed-18' },
  'deployed-v1-20col-393runs.db': { runs: 393, kind: 'v1-deployed-20' },
  'deployed-v2-32col-110runs.db': { runs: 110, kind: 'v2-missing-columns' },
} as const;

describe('import of the real legacy databases into PostgreSQL', () => {
  for (const [fixture, expected] of Object.entries(FIXTURES)) {
    for (const strategy of ['archive', 'carry-over'] as const) {
      it(`${fixture} (${strategy}): every row arrives, value by value, and the file is unchanged`, async () => {
        const source = sourceOf(fixture);
        const before = sha256(source.file);
        const original = await dump(source.adapter, source.database);
        const target = freshAdapter();
        const result = await importRunDatabase({
          from: { adapter: source.adapter, database: source.database },
          to: { adapter: target, database: 'runs.db' },
          migration: { strategy, backfill: strategy === 'carry-over' },
        });
        expect(sha256(source.file)).toBe(before);
        expect(result.sourceKind).toBe(expected.kind);
        expect(Object.fromEntries(result.copied.map((t) => [t.table, t.rows]))).toEqual(
          Object.fromEntries(Object.entries(original).map(([t, rows]) => [t, rows.length])),
        );
        expect(result.copied.flatMap((t) => t.widened)).toEqual([]);

        const v1 = expected.kind.startsWith('v1');
        // v1: the original tables live on, whole, as the archive schema; v2: in place.
        const raw = await dump(target, v1 ? 'runs_v1_archive.db' : 'runs.db');
        for (const [table, rows] of Object.entries(original)) {
          const columns = Object.keys(rows[0] ?? {});
          const arrived = (raw[table] ?? []).map((row) =>
            Object.fromEntries(columns.map((c) => [c, row[c]])),
          );
          expect(arrived, table).toEqual(rows);
        }
        if (v1) {
          expect(result.migration).toMatchObject({
            action: 'migrate',
            strategy,
            archivedRuns: expected.runs,
            runsCarried: strategy === 'carry-over' ? expected.runs : 0,
            integrity: 'ok',
          });
        } else {
          expect(result.migration?.action).toBe('repair');
        }
        expect(result.runs).toBe(expected.runs);
        if (v1 && strategy === 'carry-over') {
          // Carried into v2: the same runs and child rows, the shared columns equal.
          const active = await dump(target, 'runs.db');
          for (const table of [
            'runs',
            'mechanism_usage',
            'resolution_assignments',
            'validations',
          ]) {
            const rows = original[table] ?? [];
            const shared = Object.keys(rows[0] ?? {}).filter((c) => c !== 'id');
            expect(
              (active[table] ?? []).map((row) =>
                Object.fromEntries(shared.map((c) => [c, row[c]])),
              ),
              table,
            ).toEqual(rows.map((row) => Object.fromEntries(shared.map((c) => [c, row[c]]))));
          }
        }
      });
    }
  }

  it('refuses an existing target, and leaves it as it was', async () => {
    const target = freshAdapter();
    const first = sourceOf('deployed-v1-18col-9runs.db');
    await importRunDatabase({
      from: { adapter: first.adapter, database: first.database },
      to: { adapter: target },
    });
    const before = await dump(target, 'runs.db');
    const second = sourceOf('deployed-v2-32col-110runs.db');
    await expect(
      importRunDatabase({
        from: { adapter: second.adapter, database: second.database },
        to: { adapter: target },
      }),
    ).rejects.toBeInstanceOf(ArchiveConflictError);
    expect(await dump(target, 'runs.db')).toEqual(before);
    const replaced = await importRunDatabase({
      from: { adapter: second.adapter, database: second.database },
      to: { adapter: target },
      replace: true,
    });
    expect(replaced.copied.find((t) => t.table === 'runs')?.rows).toBe(110);
    expect((await dump(target, 'runs.db')).runs).toHaveLength(110);
    // Replacing a database never deletes anything else: the first import's archive stays.
    expect(await target.list()).toEqual(['runs.db', 'runs_v1_archive.db']);
  });

  it('refuses a SQLite file that is not a run database, creating nothing', async () => {
    const dir = makeTempDir('pg-import-foreign');
    const sqlite = createNodeSqliteAdapter({ directory: dir });
    const db = await openDatabase(sqlite, 'other.db');
    await db.run('CREATE TABLE notes (x INTEGER)');
    await db.close();
    const target = freshAdapter();
    await expect(
      importRunDatabase({
        from: { adapter: sqlite, database: 'other.db' },
        to: { adapter: target },
      }),
    ).rejects.toMatchObject({
      code: 'RUNMETA_NOT_A_DATABASE',
      message: expect.stringContaining('no runs table'),
    });
    expect(await target.list()).toEqual([]);
    removeDir(dir);
  });

  it('carries 64-bit integers exactly, and mixed-type legacy columns over whole', async () => {
    const dir = makeTempDir('pg-import-exact');
    const sqlite = createNodeSqliteAdapter({ directory: dir });
    const big = 9_007_199_254_740_993n; // 2^53 + 1: a double cannot hold it
    const db = await openDatabase(sqlite, 'runs.db');
    for (const sql of schemaDdl('v1')) await db.run(sql);
    await db.run('CREATE TABLE "hashes" ("run_id" TEXT, "h" INTEGER)');
    await db.run('INSERT INTO "hashes" VALUES (?, ?)', ['r1', big]);
    // tokens_used mixes numbers and text, as hand-edited legacy files do.
    const insert =
      'INSERT INTO runs (run_id, template_id, created_at, causal_mode, tokens_used) VALUES (?, ?, ?, ?, ?)';
    await db.run(insert, ['r1', 't', '2024-01-01T00:00:00', 'forward', 'n/a']);
    await db.run(insert, ['r2', 't', '2024-01-02T00:00:00', 'forward', 42]);
    await db.close();

    const target = freshAdapter();
    const result = await importRunDatabase({
      from: { adapter: sqlite, database: 'runs.db' },
      to: { adapter: target },
      migration: { strategy: 'carry-over' },
    });
    expect(result.copied.find((t) => t.table === 'runs')?.widened).toEqual([
      'tokens_used: INTEGER → TEXT COLLATE "C"',
    ]);
    expect(result.migration).toMatchObject({ action: 'migrate', runsCarried: 2 });
    const raw = await openDatabase(target, 'runs_v1_archive.db', { readOnly: true });
    expect(await raw.all('SELECT "h" FROM "hashes"')).toEqual([{ h: big }]);
    await raw.close();
    // Carried into v2 with the column's own type: nothing refused, read leniently.
    const manager = await MetadataManager.open({ adapter: target });
    const runs = await manager.getAllRuns();
    expect(runs.map((r) => [r.runId, r.tokensUsed])).toEqual([
      ['r1', null],
      ['r2', 42],
    ]);
    expect(runs[0]?.readIssues).toEqual([
      { column: 'tokens_used', kind: 'invalid_type', raw: 'n/a' },
    ]);
    const [history] = await manager.query(
      "SELECT details FROM runmeta_migrations WHERE kind = 'migrate'",
    );
    expect(JSON.parse(String(history?.details)).keptSourceTypes).toEqual(['runs.tokens_used text']);
    await manager.close();
    removeDir(dir);
  });

  it('puts a replaced database back when the new one fails to migrate', async () => {
    const dir = makeTempDir('pg-import-dup');
    const sqlite = createNodeSqliteAdapter({ directory: dir });
    const db = await openDatabase(sqlite, 'runs.db');
    // A v1 variant without a key on run_id, holding one id twice: v2's key refuses it.
    await db.run('CREATE TABLE runs (run_id TEXT, template_id TEXT, causal_mode TEXT)');
    await db.run("INSERT INTO runs VALUES ('dup', 't', 'forward'), ('dup', 'u', 'forward')");
    await db.close();
    const target = freshAdapter();
    const first = sourceOf('deployed-v1-18col-9runs.db');
    await importRunDatabase({
      from: { adapter: first.adapter, database: first.database },
      to: { adapter: target },
    });
    const before = await dump(target, 'runs.db');
    const failed = await importRunDatabase({
      from: { adapter: sqlite, database: 'runs.db' },
      to: { adapter: target },
      migration: { strategy: 'carry-over' },
      replace: true,
    }).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 'RUNMETA_MIGRATION_FAILED' });
    expect(await dump(target, 'runs.db')).toEqual(before);
    expect(await target.list()).toEqual(['runs.db', 'runs_v1_archive.db']);
    removeDir(dir);
  });

  it('never drops a schema runmeta did not make', async () => {
    const target = freshAdapter();
    const made = await openDatabase(target, 'mine.db');
    await made.close();
    const schema = target.schemaFor('theirs.db');
    const db = await openDatabase(target, 'mine.db');
    await db.run(`CREATE SCHEMA ${quoteIdent(schema)}`);
    await db.run(`CREATE TABLE ${quoteIdent(schema)}.important (x INTEGER)`);
    await db.close();
    await expect(target.remove('theirs.db')).rejects.toMatchObject({
      code: 'RUNMETA_ARCHIVE_CONFLICT',
      message: expect.stringContaining('not made by runmeta'),
    });
    expect(await target.exists('theirs.db')).toBe(true);
    expect(await target.list()).toEqual(['mine.db', 'theirs.db']);
    // dropTestSchemas cannot remove it either: clean up by hand.
    const cleanup = await openDatabase(target, 'mine.db');
    await cleanup.run(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`);
    await cleanup.close();
  });

  it('refuses bytes that are not SQLite, creating nothing', async () => {
    const target = freshAdapter();
    const junk = new Uint8Array(4096).map((_, i) => (i * 7919) % 251);
    await expect(target.writeBytes('runs.db', junk)).rejects.toBeInstanceOf(NotADatabaseError);
    expect(await target.list()).toEqual([]);
  });

  it('exports a server database as an SQLite image that imports back to the same rows', async () => {
    const source = sourceOf('deployed-v1-20col-393runs.db');
    const target = freshAdapter();
    await importRunDatabase({
      from: { adapter: source.adapter, database: source.database },
      to: { adapter: target },
      migration: { strategy: 'carry-over' },
    });
    const image = await target.readBytes('runs.db');
    // Deterministic: the same rows give the same bytes.
    expect(Buffer.from(await target.readBytes('runs.db')).equals(Buffer.from(image))).toBe(true);
    const back = createNodeSqliteAdapter({ memory: true });
    await back.writeBytes('runs.db', image);
    const server = await dump(target, 'runs.db');
    expect(await dump(back, 'runs.db')).toEqual(server);
    expect(server.runs).toHaveLength(393);
  });
});
