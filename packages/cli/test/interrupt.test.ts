/**
 * Ctrl-C during a carry-over, with real processes: a v1 file big enough that the
 * copy takes a while (the real 20-column file plus 60,000 runs written with plain
 * better-sqlite3), `runmeta migrate` started, the signal sent once the aside file
 * exists. The same for `migrate --carry-over-archive` (signal once its copy has
 * written to the database), and a signal that comes once a migration can no
 * longer stop. And what `status` and `migrate --dry-run` say about work that was
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
  plainAll,
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

/** Run `runmeta ...args`; send `signal` once the file `watch` exists (or `watch()` holds). */
function runAndSignal(
  args: string[],
  cwd: string,
  watch: string | (() => boolean),
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
      if (typeof watch === 'string' ? fs.existsSync(watch) : watch()) {
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

/** A migrated copy (archive strategy) of the big file: runs.db (v2, empty) and its archive. */
let migratedSource: string;

/** A fresh folder holding a copy of the migrated big file and its archive. */
function migratedTrial(): { dir: string; db: string; archive: string } {
  const dir = path.join(root, `trial-${count++}`);
  fs.cpSync(migratedSource, dir, { recursive: true });
  return { dir, db: path.join(dir, 'runs.db'), archive: path.join(dir, 'runs_v1_archive.db') };
}

/** Runs in the big v1 file, counted with plain better-sqlite3. */
const sourceRuns = () => Number(plainAll(source, 'SELECT count(*) AS n FROM runs')[0]?.n);

/** Size of a file, 0 when it does not exist. */
const sizeOf = (file: string) => fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;

describe('a signal during migrate --carry-over-archive', () => {
  beforeAll(async () => {
    const { dir, db } = trial();
    const migrated = await runCli(['--db', db, 'migrate', '--yes'], { cwd: dir });
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual(['runs.db', 'runs_v1_archive.db']);
    migratedSource = dir;
  }, 60_000);

  /** Carry the archive over; signal once the copy has written pages (under its lock). */
  function carryAndSignal(dir: string, db: string, signal: NodeJS.Signals) {
    return runAndSignal(
      ['--db', db, 'migrate', '--carry-over-archive', '--yes'],
      dir,
      () => fs.existsSync(`${db}.runmeta-lock`) && sizeOf(`${db}-wal`) > 0,
      signal,
    );
  }

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s: one line, exit %i, runs.db unchanged (rolled back), no working file left',
    async (signal, code) => {
      const { dir, db, archive } = migratedTrial();
      const before = { db: sha256(db), archive: sha256(archive) };
      const result = await carryAndSignal(dir, db, signal);
      expect(result.sentAfterAside).toBe(true);
      expect(result.code, result.stderr).toBe(code);
      expect(result.stdout).toBe('');
      expect(result.stderr.trimEnd().split('\n')).toEqual([
        `interrupted; ${db} unchanged (nothing was carried over), and the archive ${archive} is unchanged too. Nothing is lost; run it again when you are ready`,
      ]);
      expect(fs.readdirSync(dir).sort()).toEqual(['runs.db', 'runs_v1_archive.db']);
      expect(sha256(db)).toBe(before.db);
      expect(sha256(archive)).toBe(before.archive);
      expect(Number(plainAll(db, 'SELECT count(*) AS n FROM runs')[0]?.n)).toBe(0);
    },
    60_000,
  );

  it('on a terminal, a progress bar follows the survey and the copy page by page', async () => {
    const { dir, db } = migratedTrial();
    // `script` runs it on a pseudo-terminal, so stderr is a TTY.
    const result = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(
        'script',
        [
          '-qec',
          `${process.execPath} ${BIN} --db ${db} migrate --carry-over-archive --yes`,
          '/dev/null',
        ],
        { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        output += c;
      });
      child.on('error', reject);
      child.on('close', (exit) => resolve({ code: exit, output }));
    });
    expect(result.code, result.output).toBe(0);
    const frames = result.output.split('\r').filter((f) => f.includes('carry-over-archive: '));
    const carried = Number(
      plainAll(db, "SELECT count(*) AS n FROM runs WHERE schema_version = '1.0'")[0]?.n,
    );
    expect(carried).toBe(sourceRuns());
    for (const step of ['survey runs', 'carry-over runs', 'carry-over mechanism_usage']) {
      const seen = frames.filter((f) => f.includes(`carry-over-archive: ${step} [`));
      // One frame per page of 1000 rows: many of them, ending full.
      expect(seen.length, step).toBeGreaterThan(10);
      expect(seen.at(-1), step).toContain('100%');
    }
    expect(result.output).toContain(`Carried ${carried} archived run(s)`);
  }, 60_000);

  it('through a pipe, no progress bar (stderr stays clean)', async () => {
    const { dir, db } = migratedTrial();
    const result = await runCli(['--db', db, 'migrate', '--carry-over-archive', '--yes'], {
      cwd: dir,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Carried \d+ archived run\(s\)/);
  }, 60_000);
});

describe('a signal once a migration can no longer stop', () => {
  it('migrate finishes as usual: exit 0, the normal message, no "run it again"', async () => {
    const { dir, db } = trial();
    const archive = path.join(dir, 'runs_v1_archive.db');
    // Once the original is renamed to the archive, only the install and the
    // verification (an integrity check of the whole carried-over file) are left.
    const result = await runAndSignal(
      ['--db', db, 'migrate', '--strategy', 'carry-over', '--yes'],
      dir,
      archive,
      'SIGINT',
    );
    expect(result.sentAfterAside).toBe(true);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.trimEnd()).toBe(
      `Migrated ${db} to v2 (carry-over): ${sourceRuns()} v1 runs archived to ${archive}, ${sourceRuns()} carried over; integrity ok.`,
    );
    expect(fs.readdirSync(dir).sort()).toEqual(['runs.db', 'runs_v1_archive.db']);
    expect(plainAll(db, 'SELECT DISTINCT schema_version AS v FROM runs')).toEqual([{ v: '1.0' }]);
  }, 60_000);
});
