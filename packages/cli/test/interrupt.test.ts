/**
 * Ctrl-C during a carry-over, with real processes: a v1 file big enough that the
 * copy takes a while (the real 20-column file plus 60,000 runs written with plain
 * better-sqlite3), `runmeta migrate` started, the signal sent once the aside file
 * exists. And what `status` and `migrate --dry-run` say about work that was
 * killed outright (SIGKILL), checked against the folder itself.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BIN,
  type CliResult,
  copyFixture,
  makeTempDir,
  removeDir,
  runCli,
  sha256,
  V1_20,
} from './helpers.js';

const EXTRA_RUNS = 60_000;
const ASIDE = 'runs.db.v2-building';

let root: string;
let source: string;
let count = 0;

/** The real 20-column file plus EXTRA_RUNS runs (3 mechanism rows and 1 assignment each). */
function buildBigV1(file: string): void {
  const db = new BetterSqlite3(file);
  const run = db.prepare(
    `INSERT INTO runs (run_id, template_id, started_at, completed_at, causal_mode,
       entities_created, timepoints_created, cost_usd, llm_calls, tokens_used, status, summary)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const mechanism = db.prepare(
    `INSERT INTO mechanism_usage (run_id, mechanism, function_name, timestamp, context)
     VALUES (?, ?, ?, ?, ?)`,
  );
  const resolution = db.prepare(
    `INSERT INTO resolution_assignments (run_id, entity_id, resolution, timepoint_id, timestamp)
     VALUES (?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < EXTRA_RUNS; i++) {
      const id = `run_bulk_${String(i).padStart(6, '0')}`;
      const at = new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString().slice(0, -1);
      run.run(
        id,
        `template_${i % 7}`,
        at,
        at,
        'forward',
        i % 9,
        i % 5,
        0.01,
        3,
        1000 + i,
        'completed',
        'a summary of the run '.repeat(8),
      );
      for (let m = 0; m < 3; m++)
        mechanism.run(id, `M${m + 1}`, 'step', at, '{"phase":1,"detail":"x"}');
      resolution.run(id, 'entity_0', 'dialog', 'tp_001', at);
    }
  })();
  db.close();
}

beforeAll(() => {
  root = makeTempDir('interrupt');
  source = copyFixture(V1_20, path.join(root, 'source'));
  buildBigV1(source);
}, 120_000);
afterAll(() => removeDir(root));

/** A fresh folder holding a copy of the big v1 file as runs.db. */
function trial(): { dir: string; db: string } {
  const dir = path.join(root, `trial-${count++}`);
  fs.mkdirSync(dir);
  const db = path.join(dir, 'runs.db');
  fs.copyFileSync(source, db);
  return { dir, db };
}

/** Run `runmeta ...args`; send `signal` once the file `watch` exists. */
function runAndSignal(
  args: string[],
  cwd: string,
  watch: string,
  signal: NodeJS.Signals,
): Promise<CliResult & { signal: NodeJS.Signals | null; sentAfterAside: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    let sentAfterAside = false;
    const poll = setInterval(() => {
      if (fs.existsSync(watch)) {
        clearInterval(poll);
        sentAfterAside = true;
        child.kill(signal);
      }
    }, 2);
    child.on('error', reject);
    child.on('close', (code, killedBy) => {
      clearInterval(poll);
      resolve({ code, signal: killedBy, stdout, stderr, sentAfterAside });
    });
  });
}

/** Start `runmeta migrate --strategy carry-over --yes`; send `signal` once the aside exists. */
function migrateAndSignal(dir: string, db: string, signal: NodeJS.Signals) {
  return runAndSignal(
    ['--db', db, 'migrate', '--strategy', 'carry-over', '--yes'],
    dir,
    path.join(dir, ASIDE),
    signal,
  );
}

describe('a signal during a carry-over', () => {
  it('SIGINT: one line, exit 130, runs.db byte-identical, nothing left behind', async () => {
    const { dir, db } = trial();
    const before = sha256(db);
    const result = await migrateAndSignal(dir, db, 'SIGINT');
    expect(result.sentAfterAside).toBe(true);
    expect(result.code, result.stderr).toBe(130);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^interrupted; /);
    expect(lines[0]).toContain(`${db} unchanged`);
    expect(lines[0]).toContain(`the partly built ${path.join(dir, ASIDE)} was removed`);
    expect(sha256(db)).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(['runs.db']);
    // status agrees with the folder: a v1 file (exit 4) and nothing left over.
    const status = await runCli(['--db', db, '--json', 'status'], { cwd: dir });
    expect(status.code).toBe(4);
    expect(JSON.parse(status.stdout).leftovers).toEqual([]);
  }, 60_000);

  it('SIGTERM: the same line, exit 143', async () => {
    const { dir, db } = trial();
    const before = sha256(db);
    const result = await migrateAndSignal(dir, db, 'SIGTERM');
    expect(result.sentAfterAside).toBe(true);
    expect(result.code, result.stderr).toBe(143);
    expect(result.stderr).toMatch(/^interrupted; .* unchanged; the partly built .* was removed/);
    expect(sha256(db)).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(['runs.db']);
  }, 60_000);
});

describe('work killed outright (SIGKILL) is reported by status and migrate --dry-run', () => {
  let dir: string;
  let db: string;
  let before: string;
  /** Sizes of the files left beside runs.db, read from the folder. */
  let left: Record<string, number>;

  beforeAll(async () => {
    ({ dir, db } = trial());
    before = sha256(db);
    const result = await migrateAndSignal(dir, db, 'SIGKILL');
    expect(result.signal).toBe('SIGKILL');
    // Put a stray import aside beside it too, as a killed `runmeta import` leaves one.
    fs.copyFileSync(source, path.join(dir, 'runs.db.importing'));
    left = Object.fromEntries(
      fs
        .readdirSync(dir)
        .filter((name) => name !== 'runs.db')
        .map((name) => [name, fs.statSync(path.join(dir, name)).size]),
    );
  }, 60_000);

  it('left the aside (and runs.db byte-identical)', () => {
    expect(Object.keys(left)).toContain(ASIDE);
    expect(sha256(db)).toBe(before);
  });

  it('status --json lists every left-over file with its size in bytes and its fate', async () => {
    const result = await runCli(['--db', db, '--json', 'status'], { cwd: dir });
    expect(result.code).toBe(4);
    const leftovers = JSON.parse(result.stdout).leftovers as {
      name: string;
      kind: string;
      bytes: number;
      files: { name: string; bytes: number }[];
      fate: string;
    }[];
    const listed = Object.fromEntries(
      leftovers.flatMap((l) => l.files.map((f) => [f.name, f.bytes])),
    );
    expect(listed).toEqual(left);
    const aside = leftovers.find((l) => l.name === ASIDE)!;
    expect(aside).toMatchObject({ kind: 'migration', fate: 'removed-by-next-migration' });
    const asideFiles = Object.entries(left).filter(([name]) => name.startsWith(ASIDE));
    expect(aside.bytes).toBe(asideFiles.reduce((n, [, bytes]) => n + bytes, 0));
    expect(leftovers.find((l) => l.name === 'runs.db.importing')).toMatchObject({
      kind: 'import',
      fate: 'removed-by-next-import',
      bytes: left['runs.db.importing'],
    });
  });

  it('status (text) names each leftover with a readable size and what will happen', async () => {
    const result = await runCli(['--db', db, 'status'], { cwd: dir });
    expect(result.code).toBe(4);
    expect(result.stdout).toMatch(
      new RegExp(
        `Left over .*${ASIDE} [0-9.]+ [kMG]?B.*interrupted migration; the next \`runmeta migrate\``,
      ),
    );
    expect(result.stdout).toMatch(
      /runs\.db\.importing [0-9.]+ [kMG]?B: left by an interrupted import/,
    );
  });

  it('migrate --dry-run mentions them, and changes nothing', async () => {
    const snapshot = fs.readdirSync(dir).map((name) => [name, sha256(path.join(dir, name))]);
    const text = await runCli(['--db', db, 'migrate', '--dry-run'], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Left over by interrupted work');
    expect(text.stdout).toContain(ASIDE);
    const json = await runCli(['--db', db, '--json', 'migrate', '--dry-run'], { cwd: dir });
    expect(JSON.parse(json.stdout).leftovers.map((l: { name: string }) => l.name)).toContain(ASIDE);
    expect(fs.readdirSync(dir).map((name) => [name, sha256(path.join(dir, name))])).toEqual(
      snapshot,
    );
  });

  it('the next migrate deletes the aside and its side files; status then lists only the import aside', async () => {
    const result = await runCli(['--db', db, 'migrate', '--yes'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual([
      'runs.db',
      'runs.db.importing',
      'runs_v1_archive.db',
    ]);
    const status = await runCli(['--db', db, '--json', 'status'], { cwd: dir });
    expect(JSON.parse(status.stdout).leftovers.map((l: { name: string }) => l.name)).toEqual([
      'runs.db.importing',
    ]);
  });
});

describe('a signal during the other long commands', () => {
  it('import: exit 130, nothing imported, no working file, the source byte-identical', async () => {
    const { db } = trial();
    const before = sha256(db);
    const target = path.join(root, `import-target-${count++}`);
    fs.mkdirSync(target);
    const result = await runAndSignal(
      ['import', '--from', db, '--to', path.join(target, 'runs.db')],
      root,
      path.join(target, 'runs.db.importing'),
      'SIGINT',
    );
    expect(result.sentAfterAside).toBe(true);
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`^interrupted; nothing was imported into ${path.join(target, 'runs.db')}\\. `),
      ),
    ]);
    expect(fs.readdirSync(target)).toEqual([]);
    expect(sha256(db)).toBe(before);
  }, 60_000);

  it('export --out: exit 130, no output file and no partial file', async () => {
    const { dir, db } = trial();
    const migrated = await runCli(['--db', db, 'migrate', '--strategy', 'carry-over', '--yes'], {
      cwd: dir,
    });
    expect(migrated.code, migrated.stderr).toBe(0);
    const listing = fs.readdirSync(dir).sort();
    // Reading a WAL-mode file too large for an in-memory snapshot (16 MiB) in place
    // leaves no -wal/-shm behind either.
    expect(fs.statSync(db).size).toBeGreaterThan(16 * 2 ** 20);
    for (const args of [['status'], ['runs', 'list', '--limit', '1']]) {
      expect((await runCli(['--db', db, ...args], { cwd: dir })).code, args.join(' ')).toBe(0);
      expect(fs.readdirSync(dir).sort(), args.join(' ')).toEqual(listing);
    }
    const out = path.join(dir, 'runs.jsonl');
    const result = await runAndSignal(
      ['--db', db, 'export', '--out', out],
      dir,
      `${out}.runmeta-partial`,
      'SIGINT',
    );
    expect(result.sentAfterAside).toBe(true);
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^interrupted; ${out} was not written\\. `)),
    ]);
    expect(fs.readdirSync(dir).sort()).toEqual(listing);
  }, 60_000);
});
