/** This package's workers (`test/workers/*.ts`), started as real processes. */
import type { SpawnOptions } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWorkerIn, spawnWorkerIn, startWorkerIn } from '../../../test-support/worker-process.js';

const workers = path.join(path.dirname(fileURLToPath(import.meta.url)), 'workers');

/** Spawn `test/workers/<name>.ts` with the given arguments. */
export const spawnWorker = (name: string, args: string[], options: SpawnOptions = {}) =>
  spawnWorkerIn(workers, name, args, options);

/** Run a worker to completion; resolves with its exit code, signal and output. */
export const runWorker = (name: string, args: string[], options: SpawnOptions = {}) =>
  runWorkerIn(workers, name, args, options);

/** Start `test/workers/<name>.ts` with one JSON argument; stdin is a pipe. */
export const startWorker = (name: string, input: unknown, options: SpawnOptions = {}) =>
  startWorkerIn(workers, name, input, options);
