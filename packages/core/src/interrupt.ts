/**
 * Cooperative cancellation of long work (a migration, a copy, an export): an
 * `AbortSignal` is checked between pages and steps.
 */
import * as z from 'zod/mini';
import { InterruptedError } from './errors.js';
import { AbortSignalOption } from './schema/options.js';
import { parseInput } from './schema/validate.js';

/**
 * Returns a check to call between two pages: it lets the event loop run (so a
 * signal handler or a "cancel" button can abort) and throws
 * {@link InterruptedError} once `signal` is aborted. Without a signal it costs nothing.
 */
export function interruptionPoint(signal: AbortSignal | undefined): () => Promise<void> {
  parseInput(z.optional(AbortSignalOption), signal, 'signal');
  if (!signal) return async () => {};
  const tick =
    typeof globalThis.setImmediate === 'function'
      ? () => new Promise<void>((resolve) => globalThis.setImmediate(resolve))
      : () => new Promise<void>((resolve) => setTimeout(resolve, 0));
  return async () => {
    await tick();
    if (signal.aborted) throw new InterruptedError('interrupted', signal.reason);
  };
}
