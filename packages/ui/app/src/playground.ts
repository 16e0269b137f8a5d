/**
 * The dashboard in a page of its own, on the in-page API: the docs playground
 * embeds this build (`dist/playground`) in a frame and posts it the database
 * files it loaded (and migrated); they are opened here read-only with sql.js
 * (`@runmeta/browser-wasm`) and every page asks `createRunsApi`. Nothing leaves
 * the browser. Hash routing: a static site has no server to answer page paths.
 */
import { createSqlJsAdapter } from '@runmeta/browser-wasm';
import wasmUrl from '@runmeta/browser-wasm/sql-wasm.wasm?url';
import { MetadataManager } from '@runmeta/core';
import { createApp } from 'vue';
import { createWebHashHistory } from 'vue-router';
import { createRunsApi } from '../../src/api/manager-api';
import App from './App.vue';
import { RUNS_API } from './api';
import { createDashboardRouter } from './router';
import './style.css';

/** What the embedding page posts: the database files by name (`runs.db` first, then its archive). */
export interface OpenMessage {
  type: 'runmeta:open';
  files: { name: string; bytes: Uint8Array }[];
}

const status = document.getElementById('status')!;
let mounted = false;

async function open(message: OpenMessage): Promise<void> {
  const adapter = await createSqlJsAdapter({ locateFile: () => wasmUrl });
  for (const file of message.files) await adapter.writeBytes(file.name, file.bytes);
  const manager = await MetadataManager.open({ adapter, readOnly: true });
  if (mounted) location.reload(); // a new database: start again from a clean page
  status.remove();
  mounted = true;
  createApp(App)
    .provide(RUNS_API, createRunsApi(manager))
    .use(createDashboardRouter(createWebHashHistory()))
    .mount('#app');
}

window.addEventListener('message', (event: MessageEvent<OpenMessage>) => {
  // Only the page that embeds this one (same origin) may hand it a database.
  if (event.origin !== location.origin || event.source !== window.parent) return;
  if (event.data?.type !== 'runmeta:open') return;
  open(event.data).catch((error: unknown) => {
    status.textContent = `Could not open the database: ${error instanceof Error ? error.message : String(error)}`;
  });
});
// Tell the embedding page this frame listens.
window.parent?.postMessage({ type: 'runmeta:ready' }, location.origin);
