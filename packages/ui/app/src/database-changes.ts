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
 * navigation that asks anew (`router`: another page, filter, sort or page;
 * not columns, the selection or "only differences") takes the state anew, and
 * clears the notice. A state that cannot be told
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
  let fresh = false;
  const look = async (anew: boolean) => {
    // A poll while a navigation takes the state anew would compare against the last page's.
    if (!anew && fresh) return;
    const mine = ++looks;
    if (anew) [fromLook, fresh] = [mine, true];
    const now = await version().catch(() => null);
    if (mine < fromLook) return; // a navigation took the state anew meanwhile
    if (anew) [shown, fresh] = [now, false];
    else if (shown === null) shown = now;
    else if (now !== null && now !== shown) changed.value = true;
  };
  router.afterEach((to, from, failure) => {
    // A navigation that did not happen, or that asks nothing anew (columns,
    // the selection, "only differences"), keeps what the page shows, and the notice.
    if (failure) return;
    const asks = to.path !== from.path || askingParams(to.query) !== askingParams(from.query);
    if (!asks && from.matched.length > 0) return;
    changed.value = false;
    void look(true);
  });
  setInterval(() => {
    if (!changed.value && document.visibilityState === 'visible') void look(false);
  }, EVERY_MS);
  return { changed };
}

/** URL parameters that change how a page shows its answers, not what it asks. */
const VIEW_ONLY = new Set(['cols', 'sel', 'diff']);
/** The parameters of a query that a page asks by, as one comparable text. */
function askingParams(query: Record<string, unknown>): string {
  return JSON.stringify(
    Object.entries(query)
      .filter(([k]) => !VIEW_ONLY.has(k))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/** The provided changes, or none (a page mounted without a server: the in-page playground). */
export function useDatabaseChanges(): DatabaseChanges | null {
  return inject(DATABASE_CHANGES, null);
}
