/**
 * Worker-side helpers of the process tests (every package): JSON input from
 * argv, JSON lines out, a start barrier.
 */

/** The worker's input: one JSON argument. */
export function input<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T;
}

/** Print one JSON line on stdout. */
export function print(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ pid: process.pid, ...message })}\n`);
}

/** Wait for the parent to write `go` on stdin (so several workers start together). */
export function waitForGo(): Promise<void> {
  return new Promise((resolve) => {
    let buffer = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.includes('go')) {
        process.stdin.pause();
        resolve();
      }
    });
  });
}

/** Keep the process alive until it is killed. */
export function sleepForever(): void {
  setInterval(() => {}, 60_000);
}

/** The parts of an error the parent asserts on. */
export function describeError(error: unknown): Record<string, unknown> {
  const e = error as { code?: unknown; name?: unknown; message?: unknown; stack?: unknown };
  return {
    code: e?.code ?? null,
    name: e?.name ?? null,
    message: String(e?.message ?? error),
    stack: typeof e?.stack === 'string' ? e.stack : null,
  };
}

/** Run the worker body; an unexpected error is printed and exits 1. */
export function main(body: () => Promise<void>): void {
  body().then(
    () => process.exit(0),
    (error: unknown) => {
      print({ event: 'error', error: describeError(error) });
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
