/** The dashboard's pages, one URL each (history routing: links can be shared). */
import { createRouter, createWebHistory, type Router, type RouterHistory } from 'vue-router';
import ComparePage from './pages/ComparePage.vue';
import OverviewPage from './pages/OverviewPage.vue';
import RunPage from './pages/RunPage.vue';
import RunsPage from './pages/RunsPage.vue';

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
      { path: '/:rest(.*)*', redirect: '/runs' },
    ],
  });
  // Each page names itself in the tab and the history list.
  router.afterEach((to) => {
    const title = typeof to.meta.title === 'string' ? to.meta.title : null;
    const id = typeof to.params.id === 'string' ? ` ${to.params.id}` : '';
    document.title = title ? `${title}${id} · runmeta` : 'runmeta';
  });
  return router;
}
