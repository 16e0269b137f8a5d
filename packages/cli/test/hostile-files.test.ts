/**
 * Hostile files beside a database: a link,
 * a folder, a named pipe or foreign content where runmeta reads or writes a file
 * of its own. runmeta never writes through a link, never blocks on a pipe, never
 * names the wrong file, and every refusal is one typed line with exit 3 (the
 * database's location) or 2 (a path given for output).
 *
 * Named pipes are made with `mkfifo`; every process that could block on one runs
 * with a deadline (it is then killed and its exit code is null, failing the test).
 * The tests run as root, which ignores permission bits: an unreadable file needs
 * the unprivileged `nobody` user.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BIN,
  copyFixture,
  expectOneErrorLine,
  makeTempDir,
  NOBODY,
  plainAll,
  plainCount,
  removeDir,
  runCli,
  sha256,
  V1_18,
  V2_32,
} from './helpers.js';

let root: string;
let count = 0;
beforeAll(() => {
  root = makeTempDir('hostile-files');
  fs.chmodSync(root, 0o755);
});
afterAll(() => removeDir(root));

/** A fresh folder holding a copy of `fixture` as runs.db (when given). */
function trial(fixture?: string): { dir: string; db: string } {
  const dir = path.join(root, `case-${count++}`);
  fs.mkdirSync(dir, { mode: 0o755 });
  fs.chmodSync(dir, 0o755);
  const db = fixture ? copyFixture(fixture, dir) : path.join(dir, 'runs.db');
  return { dir, db };
}

/** A file outside the trial's folder, with known content: what a link points at. */
function victim(content = 'precious user data\n'): string {
  const file = path.join(root, `victim-${count++}.txt`);
  fs.writeFileSync(file, content);
  return file;
}

const mkfifo = (file: string) => execFileSync('mkfifo', [file]);

/** Every entry of a folder by type, without following links or reading pipes. */
function listing(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    const stat = fs.lstatSync(full);
    out[name] = stat.isSymbolicLink()
      ? `link → ${fs.readlinkSync(full)}`
      : stat.isFile()
        ? sha256(full)
        : stat.isDirectory()
          ? 'directory'
          : 'other';
  }
  return out;
}

/** A CLI process that must end by itself: killed (code null) if it hangs. */
const run = (args: string[], cwd: string, extra: Parameters<typeof runCli>[1] = { cwd }) =>
  runCli(args, { timeoutMs: 20_000, ...extra, cwd });

describe('no file is written through a link', () => {
  it('a symbolic link at the lock note: migrate refuses (exit 3) naming it; the linked file and runs.db are unchanged', async () => {
    const { dir, db } = trial(V1_18);
    const target = victim();
    const note = `${db}.runmeta-lock.json`;
    fs.symlinkSync(target, note);
    const before = sha256(db);
    const result = await run(['--db', db, 'migrate', '--yes'], dir);
    expectOneErrorLine(result, 3);
    expect(result.stderr).toContain(note);
    expect(result.stderr).toContain('symbolic link');
    expect(fs.readFileSync(target, 'utf8')).toBe('precious user data\n');
    expect(sha256(db)).toBe(before);
    expect(fs.existsSync(path.join(dir, 'runs_v1_archive.db'))).toBe(false);
  });

  it('a dangling symbolic link at the lock file: refused (exit 3); nothing is created where it points', async () => {
    const { dir, db } = trial(V1_18);
    const nowhere = path.join(root, `created-through-a-link-${count++}`);
    fs.symlinkSync(nowhere, `${db}.runmeta-lock`);
    const result = await run(['--db', db, 'start', '--template', 't', '--mode', 'forward'], dir);
    expectOneErrorLine(result, 3);
    expect(result.stderr).toContain(`${db}.runmeta-lock`);
    expect(result.stderr).toContain('symbolic link');
    expect(fs.existsSync(nowhere)).toBe(false);
  });

  it("export: a symbolic link at --out's partial file is refused (exit 2) and the linked file is unchanged", async () => {
    const { dir } = trial();
    const db = copyFixture(V2_32, path.join(dir, 'db'));
    const out = path.join(dir, 'runs.jsonl');
    const target = victim();
    fs.symlinkSync(target, `${out}.runmeta-partial`);
    const result = await run(['--db', db, 'export', '--out', out], dir);
    expectOneErrorLine(result, 2);
    expect(result.stderr).toContain(`${out}.runmeta-partial`);
    expect(result.stderr).toContain('symbolic link');
    expect(fs.readFileSync(target, 'utf8')).toBe('precious user data\n');
    expect(fs.existsSync(out)).toBe(false);
  });

  it('export --out naming a symbolic link or a named pipe: refused (exit 2), even with --force, and never replaced', async () => {
    const { dir } = trial();
    const db = copyFixture(V2_32, path.join(dir, 'db'));
    const link = path.join(dir, 'link.jsonl');
    const target = victim();
    fs.symlinkSync(target, link);
    const pipe = path.join(dir, 'pipe.jsonl');
    mkfifo(pipe);
    for (const out of [link, pipe]) {
      const result = await run(['--db', db, 'export', '--out', out, '--force'], dir);
      expectOneErrorLine(result, 2);
      expect(result.stderr).toContain(out);
      expect(result.stderr).toContain('not a regular file');
    }
    expect(fs.readlinkSync(link)).toBe(target);
    expect(fs.lstatSync(pipe).isFIFO()).toBe(true);
    expect(fs.readFileSync(target, 'utf8')).toBe('precious user data\n');
  });
});

describe('a named pipe where a database should be never hangs', () => {
  it.for([
    ['status', ['status']],
    ['runs list', ['runs', 'list']],
    ['migrate --dry-run', ['migrate', '--dry-run']],
    ['start', ['start', '--template', 't', '--mode', 'forward']],
    ['rollback', ['rollback', '--yes']],
  ] as const)(
    'a FIFO at runs.db: %s ends with exit 3 saying it is a named pipe',
    async ([, args]) => {
      const { dir, db } = trial();
      mkfifo(db);
      const result = await run(['--db', db, ...args], dir);
      expectOneErrorLine(result, 3);
      expect(result.stderr).toContain(db);
      expect(result.stderr).toContain('named pipe');
      expect(fs.readdirSync(dir)).toEqual(['runs.db']);
    },
  );

  it('a FIFO at the archive path: status reports it, reads of the archive and rollback end with exit 3', async () => {
    const { dir, db } = trial(V2_32);
    const archive = path.join(dir, 'runs_v1_archive.db');
    mkfifo(archive);
    const status = await run(['--db', db, 'status'], dir);
    expect(status.code, status.stderr).not.toBeNull();
    expect(status.stdout).toContain('named pipe');
    for (const args of [
      ['runs', 'list', '--include-archive'],
      ['rollback', '--yes'],
    ]) {
      const result = await run(['--db', db, ...args], dir);
      expectOneErrorLine(result, 3);
      expect(result.stderr).toContain(archive);
      expect(result.stderr).toContain('named pipe');
    }
    expect(fs.lstatSync(archive).isFIFO()).toBe(true);
  });

  it('a FIFO at the lock note: status and a migration end (the note is not read from a pipe)', async () => {
    const { dir, db } = trial(V1_18);
    mkfifo(`${db}.runmeta-lock.json`);
    const status = await run(['--db', db, 'status'], dir);
    expect(status.code, status.stderr).toBe(4); // v1: needs migration
    const migrate = await run(['--db', db, 'migrate', '--yes'], dir);
    expectOneErrorLine(migrate, 3);
    expect(migrate.stderr).toContain(`${db}.runmeta-lock.json`);
    expect(migrate.stderr).toContain('named pipe');
  });

  it('inspect --datasets: a FIFO named like a narrative export is skipped with a warning', async () => {
    const { dir } = trial();
    const db = copyFixture(V2_32, path.join(dir, 'db'));
    const [row] = plainAll(
      db,
      'SELECT run_id, template_id FROM runs WHERE template_id IS NOT NULL LIMIT 1',
    );
    const folder = path.join(dir, 'datasets', String(row!.template_id));
    fs.mkdirSync(folder, { recursive: true });
    mkfifo(path.join(folder, 'narrative_20990101.json'));
    const result = await run(
      ['--db', db, 'inspect', String(row!.run_id), '--datasets', path.join(dir, 'datasets')],
      dir,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('narrative_20990101.json');
    expect(result.stderr).toContain('named pipe');
  });
});

describe('file-system failures are typed, with the right exit code', () => {
  it.for([['runs', 'list'], ['export', '--format', 'jsonl'], ['status']])(
    'stdout onto a full disk (/dev/full): %s exits 2 with one error line, no stack trace',
    (args) => {
      const { dir, db } = trial(V1_18);
      const full = fs.openSync('/dev/full', 'w');
      try {
        const result = spawnSync(process.execPath, [BIN, '--db', db, ...args], {
          cwd: dir,
          env: { ...process.env, NO_COLOR: '1' },
          stdio: ['ignore', full, 'pipe'],
          encoding: 'utf8',
        });
        expect(result.status, result.stderr).toBe(2);
        // Messages meant for stderr still come; the error is one line, the last.
        const errors = result.stderr.split('\n').filter((line) => line.startsWith('error:'));
        expect(errors).toEqual([expect.stringContaining('cannot write the output (stdout)')]);
        expect(result.stderr.trim().split('\n').at(-1)).toBe(errors[0]);
        expect(result.stderr).toContain('ENOSPC');
        expect(result.stderr).not.toMatch(/\n\s+at /);
      } finally {
        fs.closeSync(full);
      }
    },
  );

  it('a directory at the migration aside (runs.db.v2-building): exit 3 naming that path, not runs.db', async () => {
    const { dir, db } = trial(V1_18);
    const aside = `${db}.v2-building`;
    fs.mkdirSync(aside);
    const before = sha256(db);
    const result = await run(['--db', db, 'migrate', '--yes'], dir);
    expectOneErrorLine(result, 3);
    expect(result.stderr).toContain(aside);
    expect(result.stderr).toContain('directory');
    expect(result.stderr).not.toContain(`cannot use ${db}:`);
    expect(sha256(db)).toBe(before);
  });

  it('a write that hits the file size limit (as a full disk would): exit 3 with what to check, not exit 1', async () => {
    const { dir, db } = trial();
    const created = await run(['--db', db, 'start', '--template', 't', '--mode', 'forward'], dir);
    expect(created.code, created.stderr).toBe(0);
    const runs = plainCount(db, 'SELECT count(*) AS n FROM runs');
    // No file may grow past 4 KiB: the write-ahead log cannot take the next commit.
    const result = await runCli(
      ['--db', db, 'start', '--template', 't', '--mode', 'forward', '--goal', 'x'.repeat(8000)],
      { cwd: dir, timeoutMs: 20_000, fileSizeLimitBytes: 4096 },
    );
    expectOneErrorLine(result, 3);
    expect(result.stderr).toContain(db);
    expect(result.stderr).toMatch(/disk|file size limit/);
    expect(plainCount(db, 'SELECT count(*) AS n FROM runs')).toBe(runs);
  });

  it('rollback with an unreadable archive (as nobody): exit 3 naming the archive and the reason', async () => {
    const { dir, db } = trial(V1_18);
    fs.chmodSync(db, 0o644);
    expect((await run(['--db', db, 'migrate', '--yes'], dir)).code).toBe(0);
    const archive = path.join(dir, 'runs_v1_archive.db');
    for (const name of fs.readdirSync(dir)) fs.chownSync(path.join(dir, name), NOBODY.uid, 0);
    fs.chownSync(dir, NOBODY.uid, 0);
    fs.chmodSync(archive, 0o000);
    const result = await run(['--db', db, 'rollback', '--yes'], dir, {
      cwd: dir,
      user: NOBODY,
    });
    expectOneErrorLine(result, 3);
    expect(result.stderr).toContain(archive);
    expect(result.stderr).toContain('permission denied');
  });
});

describe('anything at the archive name is taken', () => {
  it.for([
    ['a directory', (file: string) => fs.mkdirSync(file)],
    [
      'a dangling symbolic link',
      (file: string) => fs.symlinkSync(path.join(root, 'nowhere'), file),
    ],
    ['a symbolic link to a file', (file: string) => fs.symlinkSync(victim(), file)],
    ['a named pipe', (file: string) => mkfifo(file)],
  ] as const)(
    '%s at runs_v1_archive.db: migrate archives to runs_v1_archive_2.db and leaves it alone',
    async ([, make]) => {
      const { dir, db } = trial(V1_18);
      const runs = plainCount(db, 'SELECT count(*) AS n FROM runs');
      make(path.join(dir, 'runs_v1_archive.db'));
      const taken = listing(dir)['runs_v1_archive.db'];
      const result = await run(['--db', db, 'migrate', '--yes'], dir);
      expect(result.code, result.stderr).toBe(0);
      const archive = path.join(dir, 'runs_v1_archive_2.db');
      expect(plainCount(archive, 'SELECT count(*) AS n FROM runs')).toBe(runs);
      expect(listing(dir)['runs_v1_archive.db']).toBe(taken);
      // And the v2 database reads the archive it recorded.
      const list = await run(['--db', db, '--json', 'runs', 'list', '--include-archive'], dir);
      expect(list.code, list.stderr).toBe(0);
      expect(JSON.parse(list.stdout)).toHaveLength(runs);
    },
  );
});

describe('a side file left at a name takes that name', () => {
  it.for([
    [
      'a leftover journal',
      'runs_v1_archive.db-journal',
      (file: string) => fs.writeFileSync(file, Buffer.alloc(4096, 7)),
    ],
    [
      'a leftover -wal',
      'runs_v1_archive.db-wal',
      (file: string) => fs.writeFileSync(file, Buffer.alloc(4096, 7)),
    ],
    [
      'a symbolic link',
      'runs_v1_archive.db-journal',
      (file: string) => fs.symlinkSync(victim(), file),
    ],
  ] as const)(
    '%s at %s: the archive goes to runs_v1_archive_2.db; the side file is never moved beside runs.db',
    async ([, name, make]) => {
      const { dir, db } = trial(V1_18);
      const runs = plainCount(db, 'SELECT count(*) AS n FROM runs');
      make(path.join(dir, name));
      const before = listing(dir)[name];
      const result = await run(['--db', db, 'migrate', '--yes'], dir);
      expect(result.code, result.stderr).toBe(0);
      expect(
        plainCount(path.join(dir, 'runs_v1_archive_2.db'), 'SELECT count(*) AS n FROM runs'),
      ).toBe(runs);
      expect(listing(dir)[name]).toBe(before);
      for (const side of ['-journal', '-wal']) expect(fs.existsSync(`${db}${side}`)).toBe(false);
    },
  );
});

describe('messages name the file that is wrong', () => {
  it('a lock file that is a symbolic link to a text file: names the lock file, not "runs.db is not a SQLite database"', async () => {
    const { dir, db } = trial(V1_18);
    const target = victim('just some text\n');
    fs.symlinkSync(target, `${db}.runmeta-lock`);
    const result = await run(['--db', db, 'migrate', '--yes'], dir);
    expectOneErrorLine(result, 3);
    expect(result.stderr).toContain(`${db}.runmeta-lock`);
    expect(result.stderr).not.toContain('is not a SQLite database');
    expect(fs.readFileSync(target, 'utf8')).toBe('just some text\n');
  });

  it('a lock file holding foreign content: names the lock file and says it can be removed', async () => {
    const { dir, db } = trial(V1_18);
    fs.writeFileSync(`${db}.runmeta-lock`, 'just some text\n');
    const result = await run(['--db', db, 'migrate', '--yes'], dir);
    expectOneErrorLine(result, 3);
    expect(result.stderr).toContain(`${db}.runmeta-lock`);
    expect(result.stderr).not.toMatch(new RegExp(`${db} is not a SQLite database`));
    expect(result.stderr).toMatch(/[Rr]emove it/);
  });

  it('an unreadable -wal file (as nobody): names the -wal file and the reason, not "missing folder"', async () => {
    const { dir, db } = trial();
    expect(
      (await run(['--db', db, 'start', '--template', 't', '--mode', 'forward'], dir)).code,
    ).toBe(0);
    fs.writeFileSync(`${db}-wal`, '');
    fs.writeFileSync(`${db}-shm`, '');
    for (const name of fs.readdirSync(dir)) fs.chownSync(path.join(dir, name), NOBODY.uid, 0);
    fs.chownSync(dir, NOBODY.uid, 0);
    fs.chmodSync(`${db}-wal`, 0o000);
    for (const args of [['status'], ['start', '--template', 't', '--mode', 'forward']]) {
      const result = await run(['--db', db, ...args], dir, { cwd: dir, user: NOBODY });
      expectOneErrorLine(result, 3);
      expect(result.stderr).toContain(`${db}-wal`);
      expect(result.stderr).toContain('permission denied');
      expect(result.stderr).not.toContain('missing folder');
    }
  });

  it('killed between the two renames: status names the complete archive and the finished migration beside the missing runs.db', async () => {
    const { dir, db } = trial(V1_18);
    fs.chmodSync(db, 0o644);
    expect((await run(['--db', db, 'migrate', '--yes'], dir)).code).toBe(0);
    // The state after "runs.db → archive" and before "aside → runs.db".
    fs.renameSync(db, `${db}.v2-building`);
    const archive = path.join(dir, 'runs_v1_archive.db');
    for (const args of [['status'], ['runs', 'list']]) {
      const result = await run(['--db', db, ...args], dir);
      expect(result.code, result.stderr).toBe(3);
      expect(result.stdout).toBe('');
      const error = result.stderr.split('\n').find((line) => line.startsWith('error: '))!;
      expect(error).toContain(`${db} does not exist`);
      expect(error).toContain(archive);
      expect(error).toContain(`${db}.v2-building`);
      expect(error).toContain('runmeta migrate');
    }
  });
});

describe('a symbolic link as --db', () => {
  it('is resolved once: migrate works beside the real file, and the link then opens the v2 database', async () => {
    const real = trial(V1_18);
    fs.chmodSync(real.db, 0o644);
    const runs = plainCount(real.db, 'SELECT count(*) AS n FROM runs');
    const { dir } = trial();
    const link = path.join(dir, 'runs.db');
    fs.symlinkSync(real.db, link);
    const result = await run(['--db', link, 'migrate', '--yes'], dir);
    expect(result.code, result.stderr).toBe(0);
    expect(fs.readdirSync(dir)).toEqual(['runs.db']);
    expect(fs.readlinkSync(link)).toBe(real.db);
    expect(fs.readdirSync(real.dir).sort()).toEqual(['runs.db', 'runs_v1_archive.db']);
    expect(
      plainCount(path.join(real.dir, 'runs_v1_archive.db'), 'SELECT count(*) AS n FROM runs'),
    ).toBe(runs);
    expect(
      plainCount(
        real.db,
        "SELECT count(*) AS n FROM pragma_table_info('runs') WHERE name = 'schema_version'",
      ),
    ).toBe(1);
    const list = await run(['--db', link, '--json', 'runs', 'list', '--include-archive'], dir);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toHaveLength(runs);
  });

  it('a dangling link: exit 3 naming the link and where it points; nothing is created', async () => {
    const { dir } = trial();
    const link = path.join(dir, 'runs.db');
    const nowhere = path.join(root, `no-such-folder-${count++}`, 'runs.db');
    fs.symlinkSync(nowhere, link);
    for (const args of [['status'], ['start', '--template', 't', '--mode', 'forward']]) {
      const result = await run(['--db', link, ...args], dir);
      expectOneErrorLine(result, 3);
      expect(result.stderr).toContain(link);
      expect(result.stderr).toContain(nowhere);
    }
    expect(fs.readdirSync(dir)).toEqual(['runs.db']);
    expect(fs.existsSync(path.dirname(nowhere))).toBe(false);
  });
});

describe('the folder itself', () => {
  it('a dangling symbolic link as the metadata folder: start exits 3 naming the link and where it points', async () => {
    const { dir } = trial();
    const nowhere = path.join(root, `no-such-folder-${count++}`);
    fs.symlinkSync(nowhere, path.join(dir, 'metadata'));
    const result = await run(['start', '--template', 't', '--mode', 'forward'], dir, {
      cwd: dir,
      env: { RUNMETA_DB: undefined },
    });
    expectOneErrorLine(result, 3);
    expect(result.stderr).toContain(path.join(dir, 'metadata'));
    expect(result.stderr).toContain('symbolic link');
    expect(result.stderr).toContain(nowhere);
    expect(fs.existsSync(nowhere)).toBe(false);
  });
});

describe('the archive a history row names stays inside the folder', () => {
  it('a history row naming ../outside.db: rollback neither restores nor deletes that file', async () => {
    const { dir: parent } = trial();
    const dir = path.join(parent, 'metadata');
    const db = copyFixture(V1_18, dir);
    fs.chmodSync(db, 0o644);
    expect((await run(['--db', db, 'migrate', '--yes'], parent)).code).toBe(0);
    const outside = path.join(parent, 'outside.db');
    fs.renameSync(path.join(dir, 'runs_v1_archive.db'), outside);
    const hash = sha256(outside);
    const BetterSqlite3 = (await import('better-sqlite3')).default;
    const raw = new BetterSqlite3(db);
    raw
      .prepare(
        "UPDATE runmeta_migrations SET details = json_set(details, '$.archive', '../outside.db') WHERE kind = 'migrate'",
      )
      .run();
    raw.close();
    const result = await run(['--db', db, 'rollback', '--yes'], parent);
    expectOneErrorLine(result, 3);
    expect(result.stderr).toContain('no v1 archive');
    expect(sha256(outside)).toBe(hash);
  });
});
