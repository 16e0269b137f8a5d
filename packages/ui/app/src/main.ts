/**
 * The dashboard served by `runmeta ui`: the pages ask their questions of the
 * server's API (a page embedding runmeta provides an in-page RunsApi instead).
 */
import { createApp } from 'vue';
import { createHttpRunsApi, databaseVersion } from '../../src/api/http-client';
import App from './App.vue';
import { KEPT_RUNS_APIS, RUNS_API } from './api';
import { DATABASE_CHANGES, watchDatabaseChanges } from './database-changes';
import { createDashboardRouter } from './router';
import './style.css';

const router = createDashboardRouter();
createApp(App)
  .provide(RUNS_API, createHttpRunsApi())
  .provide(
    DATABASE_CHANGES,
    watchDatabaseChanges(() => databaseVersion(), router),
  )
  .provide(KEPT_RUNS_APIS, {
    quick: createHttpRunsApi({ wait: 'quick' }),
    asking: createHttpRunsApi({ wait: 'asking' }),
  })
  .use(router)
  .mount('#app');
