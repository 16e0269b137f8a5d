import { openBrowserStore } from '@runmeta/browser-wasm';

const input = document.querySelector<HTMLInputElement>('input[type=file]')!;

// IndexedDB-backed; this tab holds the store's writer lock until close().
const store = await openBrowserStore({ name: 'my-app' });

input.addEventListener('change', async () => {
  const file = input.files?.[0];
  if (!file) return;
  await store.importDatabase(file, { replace: true }); // checked before it replaces anything
  const manager = await store.open({ migration: { strategy: 'carry-over' } });
  const runs = await manager.getAllRuns({ includeArchive: true });
  console.table(runs.map((r) => ({ id: r.runId, status: r.status, cost: r.costUsd })));
  await manager.close();
  await store.flush(); // durable in IndexedDB when this resolves
});

// Offer the (migrated) database as a download.
export async function download(): Promise<void> {
  const bytes = await store.exportDatabase('runs.db');
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/x-sqlite3' }));
  Object.assign(document.createElement('a'), { href: url, download: 'runs.db' }).click();
  URL.revokeObjectURL(url);
}
