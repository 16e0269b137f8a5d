/**
 * Parent-side helpers of the process tests (every package): start a TypeScript
 * worker as a real Node.js process — tsx compiles it, and the `@runmeta/source`
 * condition makes workspace packages resolve to their sources, so process tests
 * need no prior build — and read its stdout as JSON lines.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import path from 'node:path';

/** Spawn `<workersDir>/<name>.ts` with the given arguments, from its package's folder. */
export function spawnWorkerIn(
  workersDir: string,
  name: string,
  args: string[],
  options: SpawnOptions = {},
): ChildProcess {
  return spawn(
    process.execPath,
    [
      '--conditions=@runmeta/source',
      '--import',
      'tsx',
      path.join(workersDir, `${name}.ts`),
      ...args,
    ],
    // tsx resolves from the package that owns the workers.
    { cwd: path.resolve(workersDir, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'], ...options },
  );
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

/** Start `<workersDir>/<name>.ts` with one JSON argument; stdin is a pipe. */
export function startWorkerIn(
  workersDir: string,
  name: string,
  input: unknown,
  options: SpawnOptions = {},
): WorkerHandle {
  const child = spawnWorkerIn(workersDir, name, [JSON.stringify(input)], {
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
