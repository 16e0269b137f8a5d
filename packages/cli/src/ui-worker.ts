/**
 * One worker of `runmeta ui`'s pool (see `@runmeta/ui/server`'s
 * `createWorkerRunsApi`): it opens the SQLite file read-only on its own
 * connection and answers the dashboard's questions, so a slow one never holds
 * up the server's thread. Built as its own entry (`dist/ui-worker.js`).
 */
import path from 'node:path';
import { workerData } from 'node:worker_threads';
import { openRunDatabase } from '@runmeta/node-sqlite';
import { createRunsApi } from '@runmeta/ui';
import { serveRunsApiInWorker } from '@runmeta/ui/server';

/** What the pool tells each worker: the file, as the CLI resolved `--db`. */
export interface UiWorkerData {
  directory: string;
  database: string;
}

const { directory, database } = workerData as UiWorkerData;
await serveRunsApiInWorker(async () =>
  // Live: the dashboard stays open while simulations write, and must show their runs.
  createRunsApi(
    await openRunDatabase(path.join(directory, database), { readOnly: true, live: true }),
  ),
);
