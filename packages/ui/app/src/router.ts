/** The dashboard's pages, one URL each (history routing: links can be shared). */
import {
  createRouter,
  createWebHistory,
  type Router,
  type RouterHistory,
  START_LOCATION,
} from 'vue-router';

// Each page is its own chunk, loaded when first visited: a first visit to the
// run list parses no chart library, and one to the overview no table's code.
const RunsPage = () => import('./pages/RunsPage.vue');
const RunPage = () => import('./pages/RunPage.vue');
const ComparePage = () => import('./pages/ComparePage.vue');
const OverviewPage = () => import('./pages/OverviewPage.vue');
const NotFoundPage = () => import('./pages/NotFoundPage.vue');

/**
 * The router of the dashboard: history routing under `runmeta ui` (its server
 * answers every page path with the app); an embedding page without such a
 * server passes hash history.
 */
export function createDashboardRouter(history: RouterHistory = createWebHistory()): Router {
  const router = createRouter({
    history,
    routes: [
      { path: '/', redirect: '/runs' },
      { path: '/runs', component: RunsPage, meta: { title: 'Runs' } },
      { path: '/runs/:id', component: RunPage, props: true, meta: { title: 'Run' } },
      { path: '/compare', component: ComparePage, meta: { title: 'Compare' } },
      { path: '/overview', component: OverviewPage, meta: { title: 'Overview' } },
      { path: '/:rest(.*)*', component: NotFoundPage, meta: { title: 'No such page' } },
    ],
  });
  // A page's code that cannot be loaded any more (the tab outlived the
  // dashboard it came from: runmeta ui was upgraded or rebuilt) is had by
  // loading the page anew, with the current dashboard's files. Vite says which
  // failures those are (its `vite:preloadError`, with the error as payload).
  // Only from a page already shown: a first load whose code is missing would
  // otherwise load itself again and again.
  const lostChunks = new WeakSet<object>();
  window.addEventListener('vite:preloadError', (event) => {
    const { payload } = event as Event & { payload?: unknown };
    if (payload !== null && typeof payload === 'object') lostChunks.add(payload);
  });
  router.onError((error: unknown, to) => {
    const shown = router.currentRoute.value !== START_LOCATION;
    if (shown && error !== null && typeof error === 'object' && lostChunks.has(error)) {
      window.location.assign(to.fullPath);
    }
  });
  // Each page names itself in the tab and the history list.
  router.afterEach((to) => {
    const title = typeof to.meta.title === 'string' ? to.meta.title : null;
    const id = typeof to.params.id === 'string' ? ` ${to.params.id}` : '';
    document.title = title ? `${title}${id} · runmeta` : 'runmeta';
  });
  return router;
}
