/** The dashboard's pages, one URL each (history routing: links can be shared). */
import { createRouter, createWebHistory, type Router } from 'vue-router';
import ComparePage from './pages/ComparePage.vue';
import RunPage from './pages/RunPage.vue';
import RunsPage from './pages/RunsPage.vue';

export function createDashboardRouter(): Router {
  return createRouter({
    history: createWebHistory(),
    routes: [
      { path: '/', redirect: '/runs' },
      { path: '/runs', component: RunsPage, meta: { title: 'Runs' } },
      { path: '/runs/:id', component: RunPage, props: true, meta: { title: 'Run' } },
      { path: '/compare', component: ComparePage, meta: { title: 'Compare' } },
      { path: '/:rest(.*)*', redirect: '/runs' },
    ],
  });
}
