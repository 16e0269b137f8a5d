/**
 * The IndexedDB store in Node, on fake-indexeddb (a complete in-memory
 * IndexedDB): durability of close()/flush(), retries after a failed save,
 * throttled autosave, and what imports refuse. Web Locks and real reloads are
 * covered in Chromium (test/e2e).
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadFixtures } from '../../../../test-support/legacy-fixtures.js';
import { openBrowserStore } from '../../src/index.js';

let n = 0;
const fresh = () => `store-${n++}`;
const single = { allowWithoutLocks: true } as const; // Node has no navigator.locks

async function runIds(name: string): Promise<string[]> {
  const store = await openBrowserStore({ name, access: 'read' });
  const manager = await store.open();
  const ids = (await manager.getAllRuns()).map((r) => r.runId!);
  await manager.close();
  await store.close();
  return ids;
}

afterEach(() => vi.restoreAllMocks());

describe('openBrowserStore (fake IndexedDB)', () => {
  it('saves on close() even with autosave off', async () => {
    const name = fresh();
    const store = await openBrowserStore({ name, autosaveMs: false, ...single });
    const manager = await store.open();
    await manager.startRun({ runId: 'a', templateId: 't', causalMode: 'forward' });
    await manager.close();
    await store.close();
    expect(await runIds(name)).toEqual(['a']);
  });

  it('flush() saves an open database between transactions', async () => {
    const name = fresh();
    const store = await openBrowserStore({ name, autosaveMs: false, ...single });
    const manager = await store.open();
    await manager.startRun({ runId: 'a', templateId: 't', causalMode: 'forward' });
    await store.flush();
    expect(await runIds(name)).toEqual(['a']);
    await manager.close();
    await store.close();
  });

  it('a failed save is typed, loses nothing, and the next flush retries it', async () => {
    const name = fresh();
    const store = await openBrowserStore({ name, autosaveMs: false, ...single });
    const manager = await store.open();
    await manager.startRun({ runId: 'a', templateId: 't', causalMode: 'forward' });
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementationOnce(() => {
      throw new DOMException('quota exceeded', 'QuotaExceededError');
    });
    await expect(store.flush()).rejects.toMatchObject({
      code: 'RUNMETA_STORAGE',
      message: expect.stringMatching(
        /saving to IndexedDB failed \(quota exceeded\).*flush\(\) again/,
      ),
    });
    put.mockRestore();
    await store.flush();
    expect(await runIds(name)).toEqual(['a']);
    await manager.close();
    await store.close();
    await expect(store.save()).rejects.toMatchObject({ code: 'RUNMETA_CLOSED' });
  });

  it('autosave is throttled: a steady stream of writes is saved while it goes on', async () => {
    const name = fresh();
    const store = await openBrowserStore({ name, autosaveMs: 40, ...single });
    const manager = await store.open();
    let seen: string[] = [];
    for (let i = 0; i < 40 && seen.length === 0; i++) {
      await manager.startRun({ runId: `r${i}`, templateId: 't', causalMode: 'forward' });
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (i > 10) seen = await runIds(name);
    }
    expect(seen.length).toBeGreaterThan(0); // saved before the writes stopped
    await manager.close();
    await store.close();
  });

  it('refuses to write without Web Locks unless told only one tab writes', async () => {
    await expect(openBrowserStore({ name: fresh() })).rejects.toMatchObject({
      code: 'RUNMETA_STORAGE',
      message: expect.stringMatching(/no Web Locks/),
    });
    const reader = await openBrowserStore({ name: fresh(), access: 'read' });
    await expect(reader.importDatabase(new Uint8Array(10))).rejects.toMatchObject({
      code: 'RUNMETA_READ_ONLY',
    });
    await reader.close();
  });

  it('imports refuse damaged, foreign and oversized bytes and keep the existing database', async () => {
    const fixtures = loadFixtures();
    const good = fixtures['deployed-v1-18col-9runs.db']!;
    const name = fresh();
    const store = await openBrowserStore({ name, maxBytes: 1_000_000, ...single });
    await store.importDatabase(new Blob([good]));
    // A SQLite header over damaged pages.
    const damaged = good.slice();
    damaged.fill(0x5a, 4096, 12_288);
    await expect(store.importDatabase(damaged, { replace: true })).rejects.toMatchObject({
      code: 'RUNMETA_NOT_A_DATABASE',
      message: expect.stringMatching(/is damaged/),
    });
    await expect(
      store.importDatabase(new TextEncoder().encode('x'.repeat(200)), { replace: true }),
    ).rejects.toMatchObject({
      code: 'RUNMETA_NOT_A_DATABASE',
    });
    const big = new Blob([fixtures['deployed-v1-20col-393runs.db']!]);
    const arrayBuffer = vi.spyOn(Blob.prototype, 'arrayBuffer');
    await expect(store.importDatabase(big, { replace: true })).rejects.toMatchObject({
      code: 'RUNMETA_TOO_LARGE',
    });
    expect(arrayBuffer).not.toHaveBeenCalled(); // refused by size before reading it
    await expect(store.importDatabase(good)).rejects.toMatchObject({
      code: 'RUNMETA_ARCHIVE_CONFLICT',
    });
    await store.close();
    const reopened = await openBrowserStore({ name, ...single });
    expect(await reopened.exportDatabase()).toEqual(good);
    await reopened.close();
  });
});
