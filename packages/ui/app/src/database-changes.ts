/**
 * Whether anyone wrote to the database since the page's answers were asked.
 * The `runmeta ui` server tells its state (`databaseVersion`); the app asks it
 * every few seconds while the tab is shown, and says so when it changed — a
 * running simulation's runs are then a click away, rather than the page
 * changing under its reader's eyes. Each visited page starts from the state
 * of its own answers.
 */
import { type InjectionKey, inject, type Ref, ref } from 'vue';
import type { Router } from 'vue-router';

/** What the app shows: whether runs were written since this page was shown. */
export interface DatabaseChanges {
  changed: Readonly<Ref<boolean>>;
}
export const DATABASE_CHANGES: InjectionKey<DatabaseChanges> = Symbol('databaseChanges');

/** How often the state is asked while the tab is shown. */
const EVERY_MS = 5000;

/**
 * Ask `version()` every {@link EVERY_MS} while the document is visible; each
 * navigation (`router`) takes the state anew. A state that cannot be told
 * (null, a refusal) never counts as a change.
 */
export function watchDatabaseChanges(
  version: () => Promise<string | null>,
  router: Router,
): DatabaseChanges {
  const changed = ref(false);
  let shown: string | null = null;
  /** Looks in order, and the latest that took the state anew: an older look's answer is dropped. */
  let looks = 0;
  let fromLook = 0;
  const look = async (fresh: boolean) => {
    const mine = ++looks;
    if (fresh) fromLook = mine;
    const now = await version().catch(() => null);
    if (mine < fromLook) return; // a navigation took the state anew meanwhile
    if (fresh || shown === null) shown = now;
    else if (now !== null && now !== shown) changed.value = true;
  };
  router.afterEach(() => {
    changed.value = false;
    void look(true);
  });
  setInterval(() => {
    if (!changed.value && document.visibilityState === 'visible') void look(false);
  }, EVERY_MS);
  return { changed };
}

/** The provided changes, or none (a page mounted without a server: the in-page playground). */
export function useDatabaseChanges(): DatabaseChanges | null {
  return inject(DATABASE_CHANGES, null);
}
