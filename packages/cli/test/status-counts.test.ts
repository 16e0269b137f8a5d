/**
 * `runmeta status` counts runs through the status index and leaves the integrity
 * check to `status --check` and `verify`. Its counts must still be exactly what
 * reads decode (`FAILED ` is failed, unknown statuses as stored, no status
 * column → null): each is checked here against plain better-sqlite3 on an
 * untouched copy, folded in JavaScript, on every shared fixture, on a generated
 * v2 file with hand-edited statuses, and on a table without a status column.
 * On a file whose table pages are damaged, plain status answers (it reads no
 * run) and says the integrity was not checked, while `status --check` and
 * `verify` find the damage and exit 4 — and none of them changes a byte.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateBenchDatabase } from '../bench/generate.js';
import {
  copyFixture,
  makeTempDir,
  plainAll,
  removeDir,
  runCli,
  snapshotDir,
  V1_18,
  V1_20,
  V2_32,
} from './helpers.js';

let root: string;
let count = 0;
beforeAll(() => {
  root = makeTempDir('status-counts');
});
afterAll(() => removeDir(root));

const KNOWN = new Set(['running', 'completed', 'failed']);

/**
 * The independent answer: every stored status read with plain better-sqlite3 and
 * folded here as SQLite's `lower(trim())` would (spaces only, ASCII only).
 */
function expectedCounts(file: string): Record<string, number> {
  const columns = plainAll(file, 'SELECT name FROM pragma_table_info(?)', ['runs']).map((c) =>
    String(c.name).toLowerCase(),
  );
  const statuses = columns.includes('status')
    ? plainAll(file, 'SELECT status FROM runs').map((r) => r.status)
    : plainAll(file, 'SELECT NULL AS status FROM runs').map((r) => r.status);
  const counts: Record<string, number> = {};
  for (const status of statuses) {
    const folded =
      typeof status === 'string'
        ? status.replace(/^ +| +$/g, '').replace(/[A-Z]/g, (c) => c.toLowerCase())
        : null;
    const key = folded !== null && KNOWN.has(folded) ? folded : String(status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** A fresh folder holding a copy of `file`, plus an untouched copy to ask independently. */
function copies(make: (dir: string) => string): { dir: string; db: string; untouched: string } {
  const dir = path.join(root, `case-${count++}`);
  fs.mkdirSync(dir, { recursive: true });
  const db = make(dir);
  const untouched = path.join(root, `untouched-${count++}.db`);
  fs.copyFileSync(db, untouched);
  return { dir, db, untouched };
}

async function statusJson(db: string, dir: string, ...extra: string[]) {
  const result = await runCli(['--db', db, '--json', 'status', ...extra], { cwd: dir });
  expect(result.code, result.stderr).not.toBe(1);
  return { code: result.code, status: JSON.parse(result.stdout) };
}

let generated: string;
beforeAll(async () => {
  generated = (await generateBenchDatabase({ runs: 5_000, dir: path.join(root, 'generated') }))
    .file;
}, 120_000);

describe('status counts runs by status exactly as an independent query does', () => {
  it.for([V1_18, V1_20, V2_32])('%s', async (fixture) => {
    const { dir, db, untouched } = copies((d) => copyFixture(fixture, d));
    const before = snapshotDir(dir);
    const { status } = await statusJson(db, dir);
    const expected = expectedCounts(untouched);
    expect(status.runsByStatus).toEqual(expected);
    expect(status.runs).toBe(plainAll(untouched, 'SELECT count(*) AS n FROM runs')[0]?.n);
    expect(status.integrity).toBeNull();
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('a generated v2 file with hand-edited statuses: case, spaces, unknown, empty, null, a number', async () => {
    const { dir, db, untouched } = copies((d) => {
      const file = path.join(d, 'runs.db');
      fs.copyFileSync(generated, file);
      const conn = new BetterSqlite3(file);
      try {
        conn.exec(`
          UPDATE runs SET status = 'FAILED ' WHERE rowid % 97 = 0;
          UPDATE runs SET status = ' Running' WHERE rowid % 89 = 0;
          UPDATE runs SET status = 'Completed' WHERE rowid % 83 = 0;
          UPDATE runs SET status = 'paused' WHERE rowid % 79 = 0;
          UPDATE runs SET status = 'Paused' WHERE rowid % 73 = 0;
          UPDATE runs SET status = '' WHERE rowid % 71 = 0;
          UPDATE runs SET status = NULL WHERE rowid % 67 = 0;
          UPDATE runs SET status = 3 WHERE rowid % 61 = 0;
        `);
      } finally {
        conn.close();
      }
      return file;
    });
    const expected = expectedCounts(untouched);
    // The edits are all there to be counted.
    expect(Object.keys(expected).sort()).toEqual(
      ['', '3', 'completed', 'failed', 'null', 'paused', 'Paused', 'running'].sort(),
    );
    const plain = await statusJson(db, dir);
    expect(plain.code).toBe(0);
    expect(plain.status.runsByStatus).toEqual(expected);
    expect(plain.status.runs).toBe(5_000);
    // The same counts with the integrity check.
    const checked = await statusJson(db, dir, '--check');
    expect(checked.code).toBe(0);
    expect(checked.status.runsByStatus).toEqual(expected);
    expect(checked.status.integrity).toBe('ok');
    // And in the text.
    const text = await runCli(['--db', db, 'status'], { cwd: dir });
    const line = text.stdout.split('\n').find((l) => l.startsWith('Runs  '));
    expect(line).toMatch(/^Runs {11}5000 \(/);
    for (const [status, n] of Object.entries(expected)) expect(line).toContain(`${status} ${n}`);
  });

  it('a runs table without a status column counts every run under null', async () => {
    const { dir, db, untouched } = copies((d) => {
      const file = path.join(d, 'runs.db');
      const conn = new BetterSqlite3(file);
      try {
        conn.exec('CREATE TABLE runs (run_id TEXT PRIMARY KEY, template_id TEXT)');
        const insert = conn.prepare('INSERT INTO runs VALUES (?, ?)');
        for (let i = 0; i < 12; i++) insert.run(`r${i}`, 't');
      } finally {
        conn.close();
      }
      return file;
    });
    const { status } = await statusJson(db, dir);
    expect(status.runsByStatus).toEqual(expectedCounts(untouched));
    expect(status.runsByStatus).toEqual({ null: 12 });
  });
});

describe('a file whose table pages are damaged', () => {
  let dir: string;
  let db: string;
  let expected: Record<string, number>;
  beforeAll(() => {
    ({ dir, db } = copies((d) => {
      const file = path.join(d, 'runs.db');
      fs.copyFileSync(generated, file);
      return file;
    }));
    expected = expectedCounts(db);
    // Garbage over a few leaf pages of the runs table itself (not its indexes).
    const pages = plainAll(
      db,
      "SELECT pageno FROM dbstat WHERE name = 'runs' AND pagetype = 'leaf' ORDER BY pageno LIMIT 3 OFFSET 20",
    ).map((r) => Number(r.pageno));
    const pageSize = Number(plainAll(db, 'PRAGMA page_size')[0]?.page_size);
    expect(pages).toHaveLength(3);
    const fd = fs.openSync(db, 'r+');
    try {
      for (const page of pages) {
        fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (page - 1) * pageSize);
      }
    } finally {
      fs.closeSync(fd);
    }
  });

  it('plain status reads no run: it answers, counts right, and says integrity was not checked', async () => {
    const before = snapshotDir(dir);
    const result = await runCli(['--db', db, 'status'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      'Integrity      not checked (runmeta status --check, or runmeta verify)',
    );
    const { status } = await statusJson(db, dir);
    expect(status.runsByStatus).toEqual(expected);
    expect(status.integrity).toBeNull();
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('status --check finds the damage: exit 4, the Integrity line says what is wrong', async () => {
    const before = snapshotDir(dir);
    const result = await runCli(['--db', db, 'status', '--check'], { cwd: dir });
    expect(result.code, result.stderr).toBe(4);
    const integrity = result.stdout.split('\n').find((l) => l.startsWith('Integrity'));
    expect(integrity).toMatch(/^Integrity {6}\S/);
    expect(integrity).not.toContain('not checked');
    expect(integrity).not.toBe('Integrity      ok');
    expect(result.stdout).toContain('State          the integrity check failed (see Integrity)');
    // Damage the check cannot read past ends it: that is its finding.
    expect(integrity).toMatch(/^Integrity {6}database disk image is malformed/);
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('verify finds the damage: exit 4, ok false, the problem named', async () => {
    const before = snapshotDir(dir);
    const result = await runCli(['--db', db, '--json', 'verify'], { cwd: dir });
    expect(result.code, result.stderr).toBe(4);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(['the integrity check failed']);
    expect(report.integrity).not.toBe('ok');
    expect(typeof report.integrity).toBe('string');
    const text = await runCli(['--db', db, 'verify'], { cwd: dir });
    expect(text.code).toBe(4);
    expect(text.stdout).toContain('Result         1 problem: the integrity check failed');
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('verify of a sound file exits 0', async () => {
    const sound = copies((d) => {
      const file = path.join(d, 'runs.db');
      fs.copyFileSync(generated, file);
      return file;
    });
    const result = await runCli(['--db', sound.db, 'verify'], { cwd: sound.dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Integrity      ok');
    expect(result.stdout).toContain('Schema         2.0 (v2), up to date');
    expect(result.stdout).toContain('Archive        none');
    expect(result.stdout).toContain('Result         ok');
  });
});
