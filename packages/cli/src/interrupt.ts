/**
 * Ctrl-C (SIGINT) and SIGTERM during a migration. Left to their default, they kill
 * the process mid-copy and leave a half-built `runs.db.v2-building` (hundreds of
 * MB) for the next run to clean up. Instead, while a migration may run, the
 * signal aborts it through its AbortSignal: the migration stops at its next page,
 * removes what it built and throws an `InterruptedError` saying where everything
 * is, and the CLI exits with 128 + the signal's number. A second signal exits at
 * once (the next migration then cleans up, and `status` lists what is left).
 */
import { InterruptedError } from '@runmeta/core';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Exit code for an interruption: 130 for SIGINT, 143 for SIGTERM, as shells report them. */
export function interruptedExitCode(reason: string | null): number {
  return reason === 'SIGTERM' ? 143 : 130;
}

/**
 * From now until `dispose()`, SIGINT and SIGTERM abort `signal` instead of
 * killing the process; a second one exits at once.
 */
export function catchInterrupts(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(interruptedExitCode(name));
    controller.abort(name);
  };
  for (const name of SIGNALS) process.on(name, onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const name of SIGNALS) process.off(name, onSignal);
    },
  };
}

/**
 * Run `work` with SIGINT and SIGTERM turned into an abort of its signal. A signal
 * that arrives after the work could no longer stop (it completed) is handled by
 * `late`: null when the completed work is all the command does — then it finishes
 * normally, since nothing needs doing again; otherwise what was done (the command
 * still had work to do), and an {@link InterruptedError} with that message is
 * thrown after `cleanup` ran on the result.
 */
export async function interruptible<T>(
  work: (signal: AbortSignal) => Promise<T>,
  late: (result: T) => string | null,
  cleanup: (result: T) => Promise<void> = async () => {},
): Promise<T> {
  const { signal, dispose } = catchInterrupts();
  try {
    const result = await work(signal);
    // A signal that arrived during the last steps (which do not stop) is handled now.
    await new Promise((resolve) => setImmediate(resolve));
    const done = signal.aborted ? late(result) : null;
    if (done !== null) {
      await cleanup(result);
      throw new InterruptedError(done, signal.reason);
    }
    return result;
  } finally {
    dispose();
  }
}
