/**
 * The dashboard served by `runmeta ui`: the pages ask their questions of the
 * server's API (a page embedding runmeta provides an in-page RunsApi instead).
 */
import { createApp } from 'vue';
import { createHttpRunsApi } from '../../src/api/http-client';
import App from './App.vue';
import { KEPT_RUNS_APIS, RUNS_API } from './api';
import { createDashboardRouter } from './router';
import './style.css';

createApp(App)
  .provide(RUNS_API, createHttpRunsApi())
  .provide(KEPT_RUNS_APIS, {
    quick: createHttpRunsApi({ wait: 'quick' }),
    asking: createHttpRunsApi({ wait: 'asking' }),
  })
  .use(createDashboardRouter())
  .mount('#app');
