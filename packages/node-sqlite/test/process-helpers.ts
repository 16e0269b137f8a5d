/**
 * Shared helpers of the process tests: temp folders, fixture copies, plain
 * better-sqlite3 reads (independent of runmeta), and workers driven line by line.
 */
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import BetterSqlite3 from 'better-sqlite3';
import { spawnWorker } from './run-worker.js';

export {
  copyFixture,
  makeTempDir,
  removeDir,
  sha256,
} from '../../../test-support/temp-files.js';

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

/** `PRAGMA integrity_check` through a plain connection ('ok' when sound). */
export function integrityCheck(file: string): string {
  return plainAll(file, 'PRAGMA integrity_check')
    .map((row) => String(Object.values(row)[0]))
    .join('; ');
}

/** Names of a database's tables, sorted. */
export function tableNames(file: string): string[] {
  return plainAll(
    file,
    `SELECT name FROM sqlite_master
       WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
  ).map((row) => String(row.name));
}

/** Row count of a table through a plain connection. */
export function countRows(file: string, table: string): number {
  return Number(plainAll(file, `SELECT count(*) AS n FROM "${table}"`)[0]?.n);
}

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running worker whose stdout is read as JSON lines. */
export interface WorkerHandle {
  child: ChildProcess;
  /** Every JSON line printed so far. */
  messages: Record<string, unknown>[];
  /** Resolves with the first printed JSON line whose `event` is `event`. */
  waitFor(event: string): Promise<Record<string, unknown>>;
  /** Write a line to the worker's stdin. */
  send(line: string): void;
  exit: Promise<WorkerExit>;
  stderr(): string;
}

/** Start `test/workers/<name>.ts` with one JSON argument; stdin is a pipe. */
export function startWorker(
  name: string,
  input: unknown,
  options: SpawnOptions = {},
): WorkerHandle {
  const child = spawnWorker(name, [JSON.stringify(input)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    ...options,
  });
  return watch(child);
}

/** Read a spawned worker's output as JSON lines. */
export function watch(child: ChildProcess): WorkerHandle {
  const messages: Record<string, unknown>[] = [];
  const waiters: { event: string; resolve: (m: Record<string, unknown>) => void }[] = [];
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
      if (!line.startsWith('{')) continue;
      const message = JSON.parse(line) as Record<string, unknown>;
      messages.push(message);
      for (const waiter of waiters.filter((w) => w.event === message.event)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  });
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  // stdin of a killed worker may be closed under a pending write: ignore EPIPE.
  child.stdin?.on('error', () => {});
  const exit = new Promise<WorkerExit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    child,
    messages,
    waitFor(event) {
      const seen = messages.find((m) => m.event === event);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ event, resolve });
        exit.then(({ code, signal }) =>
          reject(
            new Error(
              `worker exited (code ${code}, signal ${signal}) before "${event}": ` +
                `${stdout}\n${stderr}`,
            ),
          ),
        );
      });
    },
    send(line) {
      child.stdin?.write(`${line}\n`);
    },
    exit,
    stderr: () => stderr,
  };
}

/** SIGKILL a worker (if still running) and wait until it is gone. */
export async function killWorker(worker: WorkerHandle): Promise<WorkerExit> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) {
    worker.child.kill('SIGKILL');
  }
  return worker.exit;
}
