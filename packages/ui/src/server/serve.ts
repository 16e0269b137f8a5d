/**
 * The local server behind `runmeta ui`: the dashboard's API (every route of
 * {@link API_ROUTES}, answered by a {@link RunsApi}) and, when given, the built
 * app — on 127.0.0.1 only, read-only, answering only to its own address.
 *
 * @packageDocumentation
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { type Context, Hono } from 'hono';
import {
  ANSWER_WAIT_HEADER,
  type AnswerWait,
  AS_OF_HEADER,
  answerAge,
  STALE_HEADER,
} from '../api/answer-age.js';
import { API_ROUTES, decodeQuery, STATE_PATH } from '../api/routes.js';
import type { RunsApi } from '../api/runs-api.js';
import { answerJson, errorAnswer, refusal } from '../api/wire.js';
import { DEFAULT_UI_PORT } from '../constants.js';
import { hostGuard, readOnlyGuard } from './guards.js';

/** Paths that name a static file rather than a page of the app. */
const STATIC_FILE = /\.(?:js|mjs|css|map|png|svg|ico|jpe?g|gif|webp|woff2?|wasm|txt|html)$/i;

/** A file Vite built and named by its content's hash, relative to the app (`assets/index-B80bSORh.js`). */
const HASHED_ASSET = /^assets[\\/][\w.-]+-[\w-]{8}\.(?:js|css|wasm)$/;

/** The only address the server listens on. */
const LOOPBACK = '127.0.0.1';

/** Options of {@link startUiServer}. */
export interface UiServerOptions {
  /** Answers the API's questions (see `createRunsApi`). */
  api: RunsApi;
  /**
   * Answer a request whose `RunMeta-Answer` header is `quick` or `asking`
   * (see `AnswerWait`): `cacheAnswers(…)`. Absent: {@link UiServerOptions.api}
   * answers every request. An answer whose age is known (a kept question's,
   * on a database whose state can be read) says it in the `RunMeta-As-Of`
   * and `RunMeta-Stale` headers.
   */
  kept?: { readonly quick: RunsApi; readonly asking: RunsApi };
  /** Port on 127.0.0.1 (default {@link DEFAULT_UI_PORT}); 0 takes any free one. */
  port?: number;
  /**
   * The built dashboard (its `index.html` and assets): served as files, and its
   * `index.html` for any other path that is not the API's, so the app's own
   * routes (`/runs/<id>`) load on a reload. Null or absent: the API alone.
   */
  appDir?: string | null;
  /**
   * The database's state, as {@link STATE_PATH} tells it: a token that changes
   * whenever anyone commits (`MetadataManager.dataVersion` of a read-only,
   * live manager). Absent, or a refusal: the state is `null`, never changing.
   */
  version?: () => Promise<string | null>;
  /** Told of each error the server answered with a 500 (default: written to stderr). */
  onError?: (error: unknown) => void;
}

/** A running server. */
export interface UiServer {
  /** Its address, e.g. `http://127.0.0.1:4310`. */
  url: string;
  /** The port it listens on (the one chosen, when 0 was asked for). */
  port: number;
  /** Stop listening and drop open connections. */
  close(): Promise<void>;
}

/** The port is taken (or not ours to take): the message says which, and what to do. */
export class UiServerError extends Error {
  /** The system's code: `EADDRINUSE`, `EACCES`… */
  readonly code: string;
  /** What went wrong, without the advice. */
  readonly problem: string;
  constructor(code: string, problem: string, hint: string) {
    super(`${problem}: ${hint}`);
    this.name = 'UiServerError';
    this.code = code;
    this.problem = problem;
  }
}

function app(options: UiServerOptions, port: () => number): Hono {
  const onError =
    options.onError ?? ((error: unknown) => process.stderr.write(`runmeta ui: ${String(error)}\n`));
  const server = new Hono();
  server.use('*', hostGuard(port));
  server.use('*', readOnlyGuard());
  for (const route of Object.values(API_ROUTES)) {
    server.get(route.path, async (c) => {
      c.header('Cache-Control', 'no-store');
      try {
        const query = decodeQuery(new URL(c.req.url).searchParams);
        const wait = c.req.header(ANSWER_WAIT_HEADER)?.trim().toLowerCase() as
          | AnswerWait
          | undefined;
        const api =
          options.kept && (wait === 'quick' || wait === 'asking')
            ? options.kept[wait]
            : options.api;
        const value = await route.answer(api, query);
        const age = answerAge(value);
        if (age) {
          c.header(AS_OF_HEADER, age.asOf);
          c.header(STALE_HEADER, String(age.stale));
        }
        return c.body(answerJson(value), 200, { 'Content-Type': 'application/json' });
      } catch (error) {
        const { status, body } = errorAnswer(error);
        // A request whose client has gone (a page left, the server stopping) tells no one.
        if (status === 500 && !c.req.raw.signal.aborted) onError(error);
        return c.json(body, status as 400 | 404 | 500);
      }
    });
  }
  server.get(STATE_PATH, async (c) => {
    c.header('Cache-Control', 'no-store');
    const version = options.version ? await options.version().catch(() => null) : null;
    return c.json({ version });
  });
  server.all('/api/*', (c) =>
    c.json(
      refusal(
        `no API route ${c.req.path}`,
        `The routes are ${[...Object.values(API_ROUTES).map((r) => r.path), STATE_PATH].join(', ')}`,
      ),
      404,
    ),
  );
  if (options.appDir) {
    const root = path.resolve(options.appDir);
    // Vite names each built asset by its content's hash, so a browser may keep
    // it for good; the page itself is checked again each time, so a rebuilt
    // dashboard is seen on the next load.
    const onFound = (file: string, c: Context) => {
      const immutable = HASHED_ASSET.test(path.relative(root, file));
      c.header('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    };
    server.use('*', serveStatic({ root, onFound }));
    // The app's own routes (`/runs/<id>`) load its page; a path that names a
    // static file (`/assets/old-hash.js`, `/favicon.ico`) that is not there is
    // a 404, not the page (a browser would refuse HTML as a script).
    const page = serveStatic({ path: path.join(root, 'index.html'), onFound });
    server.get('*', (c, next) => (STATIC_FILE.test(c.req.path) ? next() : page(c, next)));
  }
  server.notFound((c) => c.json(refusal(`nothing at ${c.req.path}`, 'Open / instead'), 404));
  return server;
}

/**
 * Start the server on 127.0.0.1. Rejects with a {@link UiServerError} when the
 * port cannot be had.
 *
 * @example
 * ```ts
 * const manager = await openRunDatabase('metadata/runs.db', { readOnly: true });
 * const server = await startUiServer({ api: createRunsApi(manager), port: 0 });
 * console.log(server.url);
 * ```
 */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  let port = options.port ?? DEFAULT_UI_PORT;
  const server = createAdaptorServer({ fetch: app(options, () => port).fetch });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'UNKNOWN';
      reject(
        code === 'EADDRINUSE'
          ? new UiServerError(
              code,
              `${LOOPBACK}:${port} is already in use by another program`,
              'choose another port (the port option; 0 takes any free one)',
            )
          : new UiServerError(
              code,
              `cannot listen on ${LOOPBACK}:${port} (${error.message})`,
              'choose another port (the port option; 0 takes any free one)',
            ),
      );
    });
    server.listen(port, LOOPBACK, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${LOOPBACK}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections would hold the process open until they time out.
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
