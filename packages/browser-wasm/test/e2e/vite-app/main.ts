// A user's app, built by Vite with the package as a dependency (its dist, the
// wasm found through the default locateFile).
import { openBrowserStore } from '@runmeta/browser-wasm';

const status = document.querySelector('#status')!;
try {
  const store = await openBrowserStore({ name: 'vite-app' });
  const response = await fetch('/fixtures/deployed-v1-18col-9runs.db');
  await store.importDatabase(await response.blob(), { replace: true });
  const manager = await store.open();
  const runs = await manager.getAllRuns({ includeArchive: true });
  await manager.close();
  await store.close();
  status.textContent = `runs: ${runs.length}`;
  document.body.dataset.runs = String(runs.length);
} catch (error) {
  status.textContent = `error: ${(error as Error).message}`;
  document.body.dataset.error = (error as Error).message;
}
