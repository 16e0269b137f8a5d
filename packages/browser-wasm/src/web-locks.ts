/**
 * Cross-tab exclusive locks on the Web Locks API (`navigator.locks`): a lock is
 * released when its holder releases it or when its tab goes away, so a closed or
 * crashed tab never leaves a stale lock behind.
 */
import { DatabaseLockedError } from '@runmeta/core';

interface LockManagerLike {
  request(
    name: string,
    options: { mode: 'exclusive'; signal?: AbortSignal; ifAvailable?: boolean },
    callback: (lock: unknown) => Promise<void>,
  ): Promise<void>;
}

/** The page's Web Locks manager, or null where there is none (Node, old browsers). */
export function webLocks(): LockManagerLike | null {
  const navigator = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return navigator?.locks ?? null;
}

/**
 * Hold `name` exclusively until the returned release function is called. Waits
 * up to `timeoutMs` for another holder, then fails with a {@link DatabaseLockedError}
 * naming `what` and `hint`.
 */
export async function acquireWebLock(
  locks: LockManagerLike,
  name: string,
  options: { timeoutMs: number; what: string; detail: string },
): Promise<() => Promise<void>> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let released: Promise<void> | undefined;
  await new Promise<void>((granted, refused) => {
    released = locks
      .request(name, { mode: 'exclusive', signal: controller.signal }, async () => {
        clearTimeout(timer);
        granted();
        await held;
      })
      .catch((error: unknown) => {
        clearTimeout(timer);
        refused(
          (error as { name?: string })?.name === 'AbortError'
            ? new DatabaseLockedError(
                options.what,
                `${options.detail} (waited ${options.timeoutMs} ms)`,
              )
            : error,
        );
      });
  });
  return async () => {
    release();
    await released;
  };
}
