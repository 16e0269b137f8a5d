/**
 * {@link RunsApi} answered by worker threads, each with its own read-only
 * connection. A SQLite file is read synchronously: in one thread, a question
 * that reads every mechanism row of a million runs (seconds) would hold up
 * every other request — the next page, a sort, the app's own files. With a
 * pool, the server's thread only routes: each question goes to the worker with
 * the fewest in flight — the questions that read every run never to the first
 * worker — so the overview's slow panels leave the run list answering at once.
 *
 * A worker is any script that calls {@link serveRunsApiInWorker} with the
 * `RunsApi` it opened; what it opens is the caller's business (`runmeta ui`
 * passes the `--db` it was given).
 *
 * @packageDocumentation
 */
import { parentPort, type Worker } from 'node:worker_threads';
import { API_ROUTES } from '../api/routes.js';
import type { RunsApi } from '../api/runs-api.js';
import { AnsweredError, type ApiErrorBody, errorAnswer } from '../api/wire.js';

type Method = keyof RunsApi;
/** Every method of {@link RunsApi}: the routes table names each once. */
const METHODS = Object.keys(API_ROUTES) as Method[];

/** A question sent to a worker. */
interface Ask {
  id: number;
  method: Method;
  args: unknown[];
}
/** A worker's answer: the value, or the refusal as the server would answer it. */
type Reply =
  | { id: number; value: unknown }
  | { id: number; error: { status: number; body: ApiErrorBody } };
/** A worker's first word: ready, or why it could not open its database. */
type Hello = { ready: true } | { ready: false; error: { status: number; body: ApiErrorBody } };

/**
 * The questions that read every run (or every mechanism row) of what they
 * summarize: seconds at a million runs. With two workers or more, one worker
 * never takes them, so a page of runs, a run or a compare always finds a
 * worker free.
 */
export const HEAVY_QUESTIONS: readonly Method[] = [
  'summarize',
  'coverage',
  'activity',
  'histogram',
];

/** Options of {@link createWorkerRunsApi}. */
export interface WorkerPoolOptions {
  /** Start one worker (each calls {@link serveRunsApiInWorker}). */
  start: () => Worker;
  /** How many workers (at least 1). */
  size: number;
  /** Told when a worker that died cannot be replaced (default: written to stderr). */
  onError?: (error: unknown) => void;
}

/** A {@link RunsApi} backed by workers, and how to stop them. */
export interface WorkerRunsApi extends RunsApi {
  /** Stop every worker (questions still in flight are refused). */
  close(): Promise<void>;
}

interface Member {
  worker: Worker;
  pending: Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>;
}

/** The refusal of a worker that stopped before it answered. */
const lost = (why: string) =>
  new AnsweredError(500, {
    error: {
      name: 'Error',
      code: 'RUNMETA_UI',
      problem: `the worker answering this question stopped (${why})`,
      hint: 'Reload the page; if it happens again, the server log has the details',
    },
  });

/**
 * Start `options.size` workers and wait until each has opened its database
 * (a worker that cannot is a refusal here, with its error). Questions go to
 * the least busy worker; a worker that dies is replaced, its questions refused.
 */
export async function createWorkerRunsApi(options: WorkerPoolOptions): Promise<WorkerRunsApi> {
  const members: Member[] = [];
  /** Workers started but not ready yet: `close` stops them too. */
  const starting = new Set<Worker>();
  const onError =
    options.onError ?? ((error: unknown) => process.stderr.write(`runmeta ui: ${String(error)}\n`));
  let closing = false;
  let nextId = 0;

  /** Take `member` out of the pool and refuse what it was answering. */
  const retire = (member: Member, why: string) => {
    const at = members.indexOf(member);
    if (at >= 0) members.splice(at, 1);
    for (const call of member.pending.values()) call.reject(lost(why));
    member.pending.clear();
  };

  const launch = (): Promise<Member> =>
    new Promise((resolve, reject) => {
      const member: Member = { worker: options.start(), pending: new Map() };
      const { worker } = member;
      let ready = false;
      starting.add(worker);
      worker.once('message', (hello: Hello) => {
        starting.delete(worker);
        if (!hello.ready || closing) {
          reject(
            hello.ready
              ? lost('the server is closing')
              : new AnsweredError(hello.error.status, hello.error.body),
          );
          void worker.terminate();
          return;
        }
        ready = true;
        worker.on('message', (reply: Reply) => {
          const call = member.pending.get(reply.id);
          if (!call) return;
          member.pending.delete(reply.id);
          if ('error' in reply)
            call.reject(new AnsweredError(reply.error.status, reply.error.body));
          else call.resolve(reply.value);
        });
        resolve(member);
      });
      // A crashed worker takes no more questions at once; its 'exit' follows.
      worker.once('error', (error) => {
        if (ready) retire(member, error.message);
        else reject(error);
      });
      worker.once('exit', (code) => {
        starting.delete(worker);
        if (!ready) {
          reject(lost(`exit code ${code} before it could open the database`));
          return;
        }
        retire(member, `exit code ${code}`);
        if (closing) return;
        // Replaced; if even that fails, the other workers carry on, and the log says why.
        launch().then(
          (fresh) => (closing ? void fresh.worker.terminate() : members.push(fresh)),
          (error: unknown) => {
            if (!closing) onError(error);
          },
        );
      });
    });

  const started = await Promise.allSettled(
    Array.from({ length: Math.max(1, options.size) }, launch),
  );
  for (const s of started) if (s.status === 'fulfilled') members.push(s.value);
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(members.map((m) => m.worker.terminate()));
    throw failed.reason;
  }

  const ask = (method: Method, args: unknown[]) => {
    if (closing) return Promise.reject(lost('the server is closing'));
    if (members.length === 0) return Promise.reject(lost('no worker is running'));
    // The first worker is kept for the quick questions (when there are others).
    const lane =
      HEAVY_QUESTIONS.includes(method) && members.length > 1 ? members.slice(1) : members;
    const member = lane.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      member.pending.set(id, { resolve, reject });
      member.worker.postMessage({ id, method, args } satisfies Ask);
    });
  };
  const api = Object.fromEntries(
    METHODS.map((method) => [method, (...args: unknown[]) => ask(method, args)]),
  ) as unknown as RunsApi;
  return {
    ...api,
    async close() {
      closing = true;
      const all = [...members.map((m) => m.worker), ...starting];
      for (const member of [...members]) retire(member, 'the server is closing');
      await Promise.all(all.map((worker) => worker.terminate()));
    },
  };
}

/**
 * In a worker started for {@link createWorkerRunsApi}: answer questions with
 * `open()`'s RunsApi. A failure to open is reported to the pool, which refuses
 * to start with it.
 */
export async function serveRunsApiInWorker(open: () => Promise<RunsApi>): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('serveRunsApiInWorker runs in a worker thread started by the pool');
  let api: RunsApi;
  try {
    api = await open();
  } catch (error) {
    port.postMessage({ ready: false, error: errorAnswer(error) } satisfies Hello);
    return;
  }
  port.on('message', async ({ id, method, args }: Ask) => {
    try {
      if (!METHODS.includes(method)) throw new Error(`no RunsApi method ${String(method)}`);
      const value = await (api[method] as (...a: unknown[]) => Promise<unknown>)(...args);
      port.postMessage({ id, value } satisfies Reply);
    } catch (error) {
      const answer = errorAnswer(error);
      // Not the user's input: the details go to the server's log (stderr), as in process.
      if (answer.status === 500) console.error(error);
      port.postMessage({ id, error: answer } satisfies Reply);
    }
  });
  port.postMessage({ ready: true } satisfies Hello);
}
