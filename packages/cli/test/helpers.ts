/**
 * Helpers of the CLI process tests: run the built `runmeta` binary as a real
 * process, copy the shared legacy fixtures into temp folders, and read databases
 * through a plain better-sqlite3 connection (independent of runmeta).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { expect } from 'vitest';

export {
  copyFixture,
  makeTempDir,
  removeDir,
  sha256,
  snapshotDir,
} from '../../../test-support/temp-files.js';

/** packages/cli */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The monorepo root (/work/main). */
export const REPO_ROOT = path.resolve(PACKAGE_ROOT, '..', '..');
/** The built binary (global-setup builds it when stale). */
export const BIN = path.join(PACKAGE_ROOT, 'dist', 'bin.js');

export const V1_18 = 'deployed-v1-18col-9runs.db';
export const V1_20 = 'deployed-v1-20col-393runs.db';
export const V2_32 = 'deployed-v2-32col-110runs.db';

/** Any ANSI escape sequence. */
export const ANSI = '\u001b[';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Working directory (a temp folder). */
  cwd: string;
  /** Extra environment; a value of undefined removes the variable. */
  env?: Record<string, string | undefined>;
  /**
   * Run as this user and group (the tests run as root, which ignores permission
   * bits: an unwritable folder needs an unprivileged user to be unwritable).
   */
  user?: { uid: number; gid: number };
  /** Kill the child (SIGKILL) if it has not ended after this long; its code is then null. */
  timeoutMs?: number;
  /**
   * Limit the size of every file the child writes (`prlimit --fsize`): a write past
   * it fails as on a full disk (EFBIG; Node ignores SIGXFSZ).
   */
  fileSizeLimitBytes?: number;
}

/** The unprivileged `nobody` user (and group) of Debian-like systems. */
export const NOBODY = { uid: 65534, gid: 65534 } as const;

/**
 * Run `node dist/bin.js ...args` as a real process: stdin is /dev/null (not a TTY),
 * stdout and stderr are pipes, collected separately. NO_COLOR=1 unless overridden.
 */
export function runCli(args: string[], options: RunOptions): Promise<CliResult> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, NO_COLOR: '1', ...options.env })) {
    if (value !== undefined) env[key] = value;
  }
  return new Promise((resolve, reject) => {
    const command = [process.execPath, BIN, ...args];
    if (options.fileSizeLimitBytes !== undefined) {
      command.unshift('prlimit', `--fsize=${options.fileSizeLimitBytes}`);
    }
    const child = spawn(command[0]!, command.slice(1), {
      cwd: options.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options.user,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export type PlainRow = Record<string, unknown>;

/** Rows read through a plain, read-only better-sqlite3 connection. */
export function plainAll(file: string, sql: string, params: unknown[] = []): PlainRow[] {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as PlainRow[];
  } finally {
    db.close();
  }
}

/** Run a statement through a plain writable better-sqlite3 connection. */
export function plainRun(file: string, sql: string): void {
  const db = new BetterSqlite3(file, { fileMustExist: true });
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

/** Run ids of a query's rows, in order. */
export function plainIds(file: string, sql: string): string[] {
  return plainAll(file, sql).map((row) => String(row.run_id));
}

/** Parse CSV (RFC 4180: quoted cells may hold commas, quotes and newlines) into records. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || record.length) {
    record.push(cell);
    records.push(record);
  }
  return records;
}

/** Non-empty lines of a text. */
export function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

/**
 * A usage, input or database error as the CLI must print it: nothing on stdout,
 * one `error: …` line on stderr, no stack, never "internal error"; and the exit
 * code, when given.
 */
export function expectOneErrorLine(result: CliResult, code?: number): void {
  if (code !== undefined) expect(result.code, result.stderr).toBe(code);
  expect(result.stdout).toBe('');
  expect(lines(result.stderr)).toHaveLength(1);
  expect(result.stderr).toMatch(/^error: /);
  expect(result.stderr).not.toContain('internal error');
  expect(hasStack(result.stderr)).toBe(false);
}

/** The `n` of a plain `SELECT count(*) AS n …` on a file. */
export function plainCount(file: string, sql: string, params: unknown[] = []): number {
  return Number(plainAll(file, sql, params)[0]?.n);
}

/** Whether a text looks like a JavaScript stack trace. */
export function hasStack(text: string): boolean {
  return /^\s+at .+[:(]/m.test(text);
}
