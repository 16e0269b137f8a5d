/**
 * The worker pool behind `runmeta ui` (real worker threads running the built
 * `serveRunsApiInWorker`): a question that blocks its worker's thread leaves
 * the others answering; core's refusals arrive as the server would answer
 * them; a database a worker cannot open stops the pool from starting; a worker
 * that dies has its questions refused and is replaced. The answers on real
 * databases are the CLI's tests (`runmeta ui` over the fixtures).
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { AnsweredError } from '../src/api/wire.js';
import { createWorkerRunsApi, type WorkerRunsApi } from '../src/server.js';

const script = fileURLToPath(new URL('./fixtures/pool-worker.mjs', import.meta.url));
// Plain Node in the workers: the built files, not the test runner's source conditions.
const start =
  (workerData: unknown = {}) =>
  () =>
    new Worker(script, { workerData, execArgv: [] });
let pool: WorkerRunsApi | null = null;

afterEach(async () => {
  await pool?.close();
  pool = null;
});

describe('createWorkerRunsApi', () => {
  it('answers on another worker while one is blocked by a slow question', async () => {
    pool = await createWorkerRunsApi({ size: 2, start: start() });
    const order: string[] = [];
    const slow = pool.count({ blockMs: 1500 } as never).then((worker) => {
      order.push('slow');
      return worker;
    });
    const quick = await pool.list({ limit: 1 });
    order.push('quick');
    const slowWorker = await slow;
    expect(order).toEqual(['quick', 'slow']);
    expect((quick as unknown as { threadId: number }).threadId).not.toBe(slowWorker);
    // Arguments travel whole.
    expect((quick as unknown as { options: unknown }).options).toEqual({ limit: 1 });
  });

  it('keeps one worker for quick questions while the others read every run', async () => {
    pool = await createWorkerRunsApi({ size: 2, start: start() });
    const order: string[] = [];
    // Two overview panels at once: both go to the second worker, one after the other.
    const heavy = [1, 2].map((n) =>
      pool!.coverage({ blockMs: 800 } as never).then((answer) => {
        order.push(`heavy ${n}`);
        return (answer as unknown as { threadId: number }).threadId;
      }),
    );
    const quick = await pool.list({ limit: 1 });
    order.push('quick');
    const [first, second] = await Promise.all(heavy);
    expect(order).toEqual(['quick', 'heavy 1', 'heavy 2']);
    expect(first).toBe(second);
    expect((quick as unknown as { threadId: number }).threadId).not.toBe(first);
  });

  it("passes core's refusal on with its HTTP status and words", async () => {
    pool = await createWorkerRunsApi({ size: 1, start: start() });
    const refused = await pool.run('r-404').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AnsweredError);
    expect((refused as AnsweredError).status).toBe(404);
    expect((refused as AnsweredError).body.error).toMatchObject({
      name: 'RunNotFoundError',
      code: 'RUNMETA_RUN_NOT_FOUND',
    });
    expect((refused as AnsweredError).body.error.problem).toContain('r-404');
  });

  it('refuses to start when a worker cannot open its database', async () => {
    const failed = await createWorkerRunsApi({ size: 2, start: start({ failOpen: true }) }).catch(
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(AnsweredError);
    expect((failed as AnsweredError).body.error.problem).toContain('no-such-db');
  });

  it('refuses to start, rather than wait, when a worker exits before it is ready', async () => {
    const failed = await createWorkerRunsApi({ size: 2, start: start({ exitEarly: true }) }).catch(
      (e: unknown) => e,
    );
    expect((failed as AnsweredError).body.error.problem).toContain('exit code 4');
  });

  it('refuses what is in flight and what comes after close, and stops every worker', async () => {
    const workers: Worker[] = [];
    pool = await createWorkerRunsApi({
      size: 2,
      start: () => {
        const worker = start()();
        workers.push(worker);
        return worker;
      },
    });
    const inFlight = pool.count({ blockMs: 300 } as never).catch((e: unknown) => e);
    await pool.close();
    expect(((await inFlight) as AnsweredError).body.error.problem).toContain('closing');
    const after = await pool.list({}).catch((e: unknown) => e);
    expect((after as AnsweredError).body.error.problem).toContain('closing');
    // Every worker has stopped (an exited worker's threadId is -1).
    await expect.poll(() => workers.every((w) => w.threadId === -1)).toBe(true);
    pool = null;
  });

  it('refuses the questions of a worker that died, and replaces it', async () => {
    pool = await createWorkerRunsApi({ size: 1, start: start() });
    const lost = await pool.compare(['a', 'b']).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(AnsweredError);
    expect((lost as AnsweredError).status).toBe(500);
    expect((lost as AnsweredError).body.error.problem).toContain('exit code 3');
    // The replacement answers.
    await expect.poll(() => pool!.count({}).catch(() => null), { timeout: 10_000 }).not.toBeNull();
  });
});
