/**
 * A run database is untrusted input: SQLite files carry
 * code — views and triggers — and runmeta runs none of it. A view standing in for
 * one of runmeta's tables is refused for every command; a trigger on a table
 * runmeta writes is refused before any write into the file; an archive is never
 * written to (only rollback moves it). Every refusal is one typed line, exit 3,
 * with the files byte-identical; every expectation is checked with plain
 * better-sqlite3 reads.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyFixture,
  expectOneErrorLine,
  makeTempDir,
  plainAll,
  plainCount,
  plainRun,
  removeDir,
  runCli,
  snapshotDir,
  V1_18,
  V2_32,
} from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = makeTempDir('hostile-schema');
});
afterAll(() => removeDir(dir));

/** The children the trigger deletes, counted on a plain connection. */
const childCounts = (db: string) => ({
  mechanisms: plainCount(db, 'SELECT count(*) AS n FROM mechanism_usage'),
  resolutions: plainCount(db, 'SELECT count(*) AS n FROM resolution_assignments'),
});

/** A hostile view never ends: reading it would hang the command. */
const ENDLESS = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)';

describe('code stored in a foreign file never runs', () => {
  it('migrate --yes refuses a v2 file whose runmeta_migrations is a view with an INSTEAD OF trigger, naming it; nothing runs, nothing changes', async () => {
    const folder = path.join(dir, 'history-view');
    const db = copyFixture(V2_32, folder);
    plainRun(
      db,
      `CREATE VIEW runmeta_migrations AS SELECT 1 AS id, '' AS applied_at, '' AS kind, '' AS from_version, '' AS to_version, '' AS strategy, '' AS details, '' AS sdk_version;
       CREATE TRIGGER wipe INSTEAD OF INSERT ON runmeta_migrations BEGIN DELETE FROM mechanism_usage; DELETE FROM resolution_assignments; END;`,
    );
    const children = childCounts(db);
    expect(children.mechanisms).toBeGreaterThan(0);
    const before = snapshotDir(folder);
    for (const args of [
      ['migrate', '--yes'],
      ['start', '--template', 't', '--mode', 'forward'],
    ]) {
      const result = await runCli(['--db', db, ...args], { cwd: dir });
      expectOneErrorLine(result, 3);
      expect(result.stderr).toContain('"runmeta_migrations" is a view');
      expect(snapshotDir(folder)).toEqual(before);
      expect(childCounts(db)).toEqual(children);
    }
  });

  it('writes refuse an up-to-date v2 file with a trigger on runs (naming it), reads still work, and the trigger never fires', async () => {
    const folder = path.join(dir, 'runs-trigger');
    const db = path.join(folder, 'runs.db');
    const start = await runCli(['--db', db, 'start', '--template', 't', '--mode', 'forward'], {
      cwd: dir,
    });
    expect(start.code, start.stderr).toBe(0);
    const runId = start.stdout.trim();
    plainRun(
      db,
      `CREATE TABLE fired (n INTEGER);
       CREATE TRIGGER "audit ""x""" AFTER UPDATE ON runs BEGIN INSERT INTO fired VALUES (1); END;
       CREATE TRIGGER spy AFTER INSERT ON validations BEGIN INSERT INTO fired VALUES (2); END;`,
    );
    const before = snapshotDir(folder);
    for (const args of [
      ['start', '--template', 't', '--mode', 'forward'],
      ['record', 'validation', runId, 'v', '--passed'],
      ['complete', runId, ...completeFlags],
      ['runs', 'close', '--stale', '--older-than', '0s'],
    ]) {
      const result = await runCli(['--db', db, ...args], { cwd: dir });
      expectOneErrorLine(result, 3);
      expect(result.stderr).toMatch(/trigger "audit ""x""" on runs/);
      expect(result.stderr).toContain('trigger "spy" on validations');
      expect(snapshotDir(folder)).toEqual(before);
    }
    const list = await runCli(['--db', db, 'runs', 'list', '--format', 'jsonl'], { cwd: dir });
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).runId).toBe(runId);
    expect(snapshotDir(folder)).toEqual(before);
    expect(plainCount(db, 'SELECT count(*) AS n FROM fired')).toBe(0);
  });

  it('a view standing in for runs, or for a child table, is refused by reads too (named, exit 3, no hang)', async () => {
    const folder = path.join(dir, 'views');
    fs.mkdirSync(folder, { recursive: true });
    const runsView = path.join(folder, 'runs-view.db');
    plainCreate(
      runsView,
      `CREATE VIEW runs AS ${ENDLESS} SELECT 'r' || x AS run_id, 't' AS template_id FROM c`,
    );
    const childView = copyFixture(V1_18, folder, 'child-view.db');
    plainRun(
      childView,
      `DROP TABLE mechanism_usage; CREATE VIEW mechanism_usage AS ${ENDLESS} SELECT x AS id, 'r' AS run_id, 'M1' AS mechanism FROM c`,
    );
    const anyRun = String(plainAll(childView, 'SELECT run_id FROM runs LIMIT 1')[0]!.run_id);
    const before = snapshotDir(folder);
    for (const [db, name] of [
      [runsView, 'runs'],
      [childView, 'mechanism_usage'],
    ] as const) {
      for (const args of [
        ['runs', 'list'],
        ['status'],
        ['inspect', anyRun],
        ['export', '--format', 'jsonl'],
      ]) {
        const result = await runCli(['--db', db, ...args], { cwd: dir, timeoutMs: 30_000 });
        expectOneErrorLine(result, 3);
        expect(result.stderr).toContain(`"${name}" is a view`);
      }
    }
    expect(snapshotDir(folder)).toEqual(before);
  });
});

describe('the same class: foreign objects make no command run code or fail untyped', () => {
  it('migrate --carry-over-archive refuses an active database with a trigger on a child table; the trigger never fires', async () => {
    const folder = path.join(dir, 'carry-trigger');
    const db = copyFixture(V1_18, folder);
    expect((await runCli(['--db', db, 'migrate', '--yes'], { cwd: dir })).code).toBe(0);
    plainRun(
      db,
      `CREATE TABLE fired (n INTEGER);
       CREATE TRIGGER copy_spy AFTER INSERT ON resolution_assignments BEGIN INSERT INTO fired VALUES (1); END;`,
    );
    const before = snapshotDir(folder);
    const result = await runCli(['--db', db, 'migrate', '--carry-over-archive', '--yes'], {
      cwd: dir,
    });
    expectOneErrorLine(result, 3);
    expect(result.stderr).toContain('trigger "copy_spy" on resolution_assignments');
    expect(snapshotDir(folder)).toEqual(before);
    expect(plainCount(db, 'SELECT count(*) AS n FROM fired')).toBe(0);
  });

  it('a virtual table of a module this SQLite lacks, under another name, does not break reading or migrating', async () => {
    const folder = path.join(dir, 'unknown-module');
    const db = copyFixture(V1_18, folder);
    const runs = plainCount(db, 'SELECT count(*) AS n FROM runs');
    // Only a file written elsewhere can hold one: put its schema row in directly.
    const raw = new BetterSqlite3(db);
    raw.unsafeMode(true);
    raw.pragma('writable_schema = ON');
    raw
      .prepare(
        "INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) VALUES ('table', 'notes', 'notes', 0, 'CREATE VIRTUAL TABLE notes USING elsewhere(body)')",
      )
      .run();
    raw.close();
    const list = await runCli(['--db', db, 'runs', 'list', '--format', 'jsonl'], { cwd: dir });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.trim().split('\n')).toHaveLength(runs);
    const status = await runCli(['--db', db, 'status'], { cwd: dir });
    expect(status.code, status.stderr).toBe(4); // v1: needs migration
    const migrated = await runCli(['--db', db, 'migrate', '--strategy', 'carry-over', '--yes'], {
      cwd: dir,
    });
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(plainCount(db, 'SELECT count(*) AS n FROM runs')).toBe(runs);
  });
});

describe('the same class: constraints of a foreign file', () => {
  it('a CHECK constraint the file declares refusing a write is a typed error naming it (exit 2), nothing written', async () => {
    const folder = path.join(dir, 'check');
    const db = path.join(folder, 'runs.db');
    const start = await runCli(['--db', db, 'start', '--template', 't', '--mode', 'forward'], {
      cwd: dir,
    });
    expect(start.code, start.stderr).toBe(0);
    const runId = start.stdout.trim();
    plainRun(db, 'ALTER TABLE runs ADD COLUMN guard INTEGER CHECK (tokens_used < 5)');
    const before = snapshotDir(folder);
    const result = await runCli(['--db', db, 'complete', runId, ...completeFlags], { cwd: dir });
    expectOneErrorLine(result, 2);
    expect(result.stderr).toContain('CHECK constraint tokens_used < 5 failed');
    expect(snapshotDir(folder)).toEqual(before);
    expect(plainAll(db, 'SELECT status FROM runs')).toEqual([{ status: 'running' }]);
  });

  it.for([
    ['malformed JSON', "json_extract(message, '$.x')"],
    ['integer overflow', 'abs(-9223372036854775807 - 1)'],
    ['string or blob too big', 'length(zeroblob(2000000000))'],
  ])(
    'a generated column of the file failing with "%s" is a refused write (exit 2), not a corrupt file',
    async ([words, expression]) => {
      const folder = path.join(dir, `generated-${words!.replaceAll(' ', '-')}`);
      const db = path.join(folder, 'runs.db');
      const start = await runCli(['--db', db, 'start', '--template', 't', '--mode', 'forward'], {
        cwd: dir,
      });
      expect(start.code, start.stderr).toBe(0);
      const runId = start.stdout.trim();
      plainRun(db, `ALTER TABLE validations ADD COLUMN g GENERATED ALWAYS AS (${expression})`);
      const before = snapshotDir(folder);
      const result = await runCli(
        ['--db', db, 'record', 'validation', runId, 'v', '--failed', '--message', 'not json'],
        { cwd: dir },
      );
      expectOneErrorLine(result, 2);
      expect(result.stderr).toContain(words);
      expect(result.stderr).not.toContain('corrupt');
      expect(snapshotDir(folder)).toEqual(before);
    },
  );
});

describe('an archive is read-only to every command but rollback', () => {
  let folder: string;
  let db: string;
  let archive: string;
  beforeAll(async () => {
    folder = path.join(dir, 'archive');
    db = copyFixture(V1_18, folder);
    const migrated = await runCli(['--db', db, 'migrate', '--yes'], { cwd: dir });
    expect(migrated.code, migrated.stderr).toBe(0);
    archive = path.join(folder, 'runs_v1_archive.db');
  });

  it('write commands and migrate on the archive exit 3 saying it is the archive of runs.db; nothing changes', async () => {
    const archived = plainAll(archive, 'SELECT run_id FROM runs ORDER BY run_id');
    expect(archived.length).toBe(9);
    const before = snapshotDir(folder);
    for (const args of [
      ['start', '--template', 't', '--mode', 'forward'],
      ['record', 'mechanism', String(archived[0]!.run_id), 'M1', 'f'],
      ['complete', String(archived[0]!.run_id), ...completeFlags],
      ['runs', 'close', '--stale', '--older-than', '0s'],
      ['migrate', '--yes'],
      ['migrate', '--strategy', 'carry-over', '--yes'],
      ['migrate', '--carry-over-archive', '--yes'],
    ]) {
      const result = await runCli(['--db', archive, ...args], { cwd: dir });
      expectOneErrorLine(result, 3);
      expect(result.stderr).toContain(`is the v1 archive of ${db}`);
      expect(result.stderr).toContain('read-only');
      expect(snapshotDir(folder)).toEqual(before);
    }
    const dry = await runCli(['--db', archive, 'migrate', '--dry-run'], { cwd: dir });
    expect(dry.code).toBe(3);
    expect(dry.stderr).toContain(`is the v1 archive of ${db}`);
    // Reading it is fine, and so is reading it through its database.
    const list = await runCli(['--db', archive, 'runs', 'list', '--format', 'jsonl'], {
      cwd: dir,
    });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.trim().split('\n')).toHaveLength(archived.length);
    expect(snapshotDir(folder)).toEqual(before);
  });

  it('rollback refuses to restore an archive that is no longer v1, and says how to undo that first', async () => {
    const other = path.join(dir, 'archive-changed');
    const main = copyFixture(V1_18, other);
    expect((await runCli(['--db', main, 'migrate', '--yes'], { cwd: dir })).code).toBe(0);
    // The archive made v2 behind runmeta's back (as an older runmeta let `start` do).
    const old = path.join(other, 'runs_v1_archive.db');
    plainRun(old, "ALTER TABLE runs ADD COLUMN schema_version TEXT DEFAULT '2.0'");
    const before = snapshotDir(other);
    const result = await runCli(['--db', main, 'rollback', '--yes'], { cwd: dir });
    expectOneErrorLine(result, 3);
    expect(result.stderr).toContain(`${old} is not a v1 database`);
    expect(snapshotDir(other)).toEqual(before);
  });
});

const completeFlags = [
  '--entities',
  '1',
  '--timepoints',
  '1',
  '--training-examples',
  '0',
  '--cost',
  '0.01',
  '--llm-calls',
  '1',
  '--tokens',
  '10',
];

/** A new SQLite file holding exactly `sql`, written by plain better-sqlite3. */
function plainCreate(file: string, sql: string): void {
  const db = new BetterSqlite3(file);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}
