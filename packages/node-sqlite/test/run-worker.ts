/** This package's workers (`test/workers/*.ts`), started as real processes. */
import type { SpawnOptions } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWorkerIn } from '../../../test-support/worker-process.js';

const workers = path.join(path.dirname(fileURLToPath(import.meta.url)), 'workers');

/** Start `test/workers/<name>.ts` with one JSON argument; stdin is a pipe. */
export const startWorker = (name: string, input: unknown, options: SpawnOptions = {}) =>
  startWorkerIn(workers, name, input, options);
