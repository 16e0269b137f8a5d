/**
 * A damaged v1 archive is named as what it is: commands that read it exit 3 with
 * one line saying that the archive (its path) of the database is not a readable
 * SQLite database and what to do — never "Check --db", since --db is fine — and
 * change nothing. `status` exits 4 with a State line that says so. The advice
 * holds: with the archive moved away, the same command works. And `status`
 * never prints "up to date" next to an exit 4: a failed integrity check says so.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyFixture,
  makeTempDir,
  plainAll,
  removeDir,
  runCli,
  snapshotDir,
  V1_18,
  V1_20,
} from './helpers.js';

let root: string;
let count = 0;
beforeAll(() => {
  root = makeTempDir('damaged-archive');
});
afterAll(() => removeDir(root));

/** A fixture migrated with the archive strategy, then its archive damaged by `damage`. */
async function damaged(
  fixture: string,
  damage: (archive: string) => void,
): Promise<{ dir: string; db: string; archive: string }> {
  const dir = path.join(root, `case-${count++}`);
  const db = copyFixture(fixture, path.join(dir, 'metadata'));
  const migrated = await runCli(['--db', db, 'migrate', '--yes'], { cwd: dir });
  expect(migrated.code, migrated.stderr).toBe(0);
  const archive = path.join(dir, 'metadata', 'runs_v1_archive.db');
  expect(fs.existsSync(archive)).toBe(true);
  damage(archive);
  return { dir, db, archive };
}

const garbage = (archive: string) => fs.writeFileSync(archive, 'garbage\n');
/** Overwrite the middle of the file: the header and schema read, the table pages do not. */
const corruptPages = (archive: string) => {
  const fd = fs.openSync(archive, 'r+');
  try {
    fs.writeSync(fd, Buffer.alloc(400_000, 0xff), 0, 400_000, 200_000);
  } finally {
    fs.closeSync(fd);
  }
};

function expectArchiveLine(stderr: string, db: string, archive: string): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toContain(
    `error: ${archive} (the v1 archive of ${db}) is not a readable SQLite database.`,
  );
  expect(lines[0]).toContain(`Restore ${archive} from a backup, or move it away`);
  expect(lines[0]).not.toContain('--db');
}

describe('garbage in place of the archive', () => {
  it.each([
    [['report', '--include-archive']],
    [['export', '--include-archive']],
    [['runs', 'show', 'nosuch']],
    [['runs', 'list', '--include-archive']],
    [['inspect', 'nosuch']],
    [['migrate', '--carry-over-archive', '--yes']],
    [['rollback', '--yes']],
  ])('%j exits 3 naming the archive, and changes nothing', async (args) => {
    const { dir, db, archive } = await damaged(V1_18, garbage);
    const before = snapshotDir(dir);
    const result = await runCli(['--db', db, ...args], { cwd: dir });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stdout).toBe('');
    expectArchiveLine(result.stderr, db, archive);
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('status exits 4 and its State line says the archive cannot be read', async () => {
    const { dir, db, archive } = await damaged(V1_18, garbage);
    const result = await runCli(['--db', db, 'status'], { cwd: dir });
    expect(result.code, result.stderr).toBe(4);
    const state = result.stdout.split('\n').find((line) => line.startsWith('State'));
    expect(state).toBe(
      `State          the v1 archive cannot be read — restore ${archive} from a backup, or move it away`,
    );
    expect(result.stdout).not.toContain('up to date');
    expect(result.stdout).toContain(
      `Archive        ${archive} (the v1 archive of ${db}) is not a readable SQLite database.`,
    );
    const json = JSON.parse((await runCli(['--db', db, '--json', 'status'], { cwd: dir })).stdout);
    expect(json.archive).toMatchObject({ path: archive, runs: null });
    expect(json.archive.error).toContain(
      `${archive} (the v1 archive of ${db}) is not a readable SQLite database`,
    );
    expect(json.archive.error).not.toContain('--db');
  });

  it('status --help lists the unreadable archive among the reasons for exit 4', async () => {
    const help = await runCli(['status', '--help'], { cwd: root });
    expect(help.code).toBe(0);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('its v1 archive cannot be read');
  });

  it('an empty answer without --include-archive stands: no hint about the archive, exit 0', async () => {
    const { dir, db } = await damaged(V1_18, garbage);
    const result = await runCli(['--db', db, 'runs', 'count', '--template', 'no such template'], {
      cwd: dir,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('0');
    expect(result.stderr).toBe('');
  });

  it('moved away, as the message says, the database reads without it', async () => {
    const { dir, db, archive } = await damaged(V1_18, garbage);
    fs.renameSync(archive, path.join(dir, 'damaged-archive.db'));
    const report = await runCli(['--db', db, 'report', '--include-archive'], { cwd: dir });
    expect(report.code, report.stderr).toBe(0);
    const status = await runCli(['--db', db, 'status'], { cwd: dir });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('State          up to date');
  });
});

describe('an archive whose table pages are damaged (the header still reads)', () => {
  it.each([
    [['report', '--include-archive']],
    [['export', '--include-archive']],
    [['runs', 'list', '--include-archive']],
  ])('%j exits 3 naming the archive, and changes nothing', async (args) => {
    const { dir, db, archive } = await damaged(V1_20, corruptPages);
    // The schema is still readable with plain better-sqlite3: only the pages are damaged.
    expect(plainAll(archive, "SELECT name FROM sqlite_master WHERE name = 'runs'")).toEqual([
      { name: 'runs' },
    ]);
    const before = snapshotDir(dir);
    const result = await runCli(['--db', db, ...args], { cwd: dir });
    expect(result.code, result.stderr).toBe(3);
    expectArchiveLine(result.stderr, db, archive);
    expect(snapshotDir(dir)).toEqual(before);
  });
});

describe('an archived run read from an archive whose table pages are damaged', () => {
  it.each([[['runs', 'show']], [['inspect']]])(
    '%j <archived id> exits 3 naming the archive, and changes nothing',
    async (command) => {
      let id = '';
      const { dir, db, archive } = await damaged(V1_20, (file) => {
        id = String(plainAll(file, 'SELECT run_id FROM runs ORDER BY rowid LIMIT 1')[0]!.run_id);
        corruptPages(file);
      });
      const before = snapshotDir(dir);
      const result = await runCli(['--db', db, ...command, id], { cwd: dir });
      expect(result.code, result.stderr).toBe(3);
      expectArchiveLine(result.stderr, db, archive);
      expect(snapshotDir(dir)).toEqual(before);
    },
  );
});

describe('a failed integrity check', () => {
  let dir: string;
  let db: string;
  let found: string;
  beforeAll(async () => {
    dir = path.join(root, `case-${count++}`);
    db = copyFixture(V1_18, dir);
    const migrated = await runCli(['--db', db, 'migrate', '--strategy', 'carry-over', '--yes'], {
      cwd: dir,
    });
    expect(migrated.code, migrated.stderr).toBe(0);
    // An index whose declared column no longer matches its entries: every read still
    // works, the integrity check does not.
    const conn = new BetterSqlite3(db);
    try {
      conn.unsafeMode(true);
      conn.pragma('writable_schema = ON');
      conn
        .prepare(
          `UPDATE sqlite_master SET sql = 'CREATE INDEX "idx_runs_template_id" ON "runs" ("causal_mode")' WHERE name = 'idx_runs_template_id'`,
        )
        .run();
    } finally {
      conn.close();
    }
    found = plainAll(db, 'PRAGMA integrity_check')
      .map((r) => String(r.integrity_check))
      .join('; ');
    expect(found).not.toBe('ok');
  });

  it('plain status does not run it: it says so and exits 0', async () => {
    const before = snapshotDir(dir);
    const result = await runCli(['--db', db, 'status'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      'Integrity      not checked (runmeta status --check, or runmeta verify)',
    );
    expect(result.stdout).toContain('State          up to date');
    const json = await runCli(['--db', db, '--json', 'status'], { cwd: dir });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).integrity).toBeNull();
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('status --check exits 4 with a State line saying so, not "up to date"', async () => {
    const result = await runCli(['--db', db, 'status', '--check'], { cwd: dir });
    expect(result.code, result.stderr).toBe(4);
    const state = result.stdout.split('\n').find((line) => line.startsWith('State'));
    expect(state).toBe('State          the integrity check failed (see Integrity)');
    expect(result.stdout).toContain(`Integrity      ${found}`);
    const json = await runCli(['--db', db, '--json', 'status', '--check'], { cwd: dir });
    expect(json.code).toBe(4);
    expect(JSON.parse(json.stdout).integrity).toBe(found);
  });

  it('verify exits 4 naming what the check found', async () => {
    const before = snapshotDir(dir);
    const result = await runCli(['--db', db, 'verify'], { cwd: dir });
    expect(result.code, result.stderr).toBe(4);
    expect(result.stdout).toContain(`Integrity      ${found}`);
    expect(result.stdout).toContain('Result         1 problem: the integrity check failed');
    const json = await runCli(['--db', db, '--json', 'verify'], { cwd: dir });
    expect(json.code).toBe(4);
    expect(JSON.parse(json.stdout)).toMatchObject({
      integrity: found,
      ok: false,
      problems: ['the integrity check failed'],
    });
    expect(snapshotDir(dir)).toEqual(before);
  });
});
