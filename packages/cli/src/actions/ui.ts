/** The work of `ui`: serve the dashboard over the database until Ctrl-C. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createRunsApi, overviewQuestions, type RunsApi } from '@runmeta/ui';
import {
  AnsweredError,
  cacheAnswers,
  createWorkerRunsApi,
  startUiServer,
  UiServerError,
} from '@runmeta/ui/server';
import type { CommandRun } from '../commands/types.js';
import type { CliContext } from '../context.js';
import { catchInterrupts } from '../interrupt.js';
import { CliUsageError } from '../usage-error.js';

/** The built dashboard, copied beside the CLI's own files when it is built. */
const APP_DIR = fileURLToPath(new URL('./ui/', import.meta.url));

/** The pool's worker, built beside this file (see `ui-worker.ts`). */
const WORKER = new URL('./ui-worker.js', import.meta.url);

/**
 * The questions' answerer. A SQLite file is read synchronously, so it is read
 * by a pool of worker threads (one connection each): a question that takes
 * seconds at a million runs then holds up one worker, not the server. A
 * PostgreSQL server answers asynchronously already: in process.
 */
async function answerer(
  ctx: CliContext,
  manager: Awaited<ReturnType<CliContext['open']>>,
): Promise<RunsApi & { close?: () => Promise<void> }> {
  const { directory, database } = ctx.location;
  if (directory === null) return createRunsApi(manager);
  const size = Math.min(4, Math.max(2, os.availableParallelism()));
  return createWorkerRunsApi({
    size,
    start: () => new Worker(WORKER, { workerData: { directory, database } }),
  });
}

/** Ask the overview's questions for no filter in the background; a refusal is the page's to show. */
function warmOverview(api: RunsApi): void {
  for (const ask of Object.values(overviewQuestions({}))) void ask(api).catch(() => {});
}

/** Ask the system to open `url` in the default browser; a failure only costs the convenience. */
function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args as string[], { detached: true, stdio: 'ignore' });
    child.on('error', () => {});
    child.unref();
  } catch {
    // No opener on this system: the URL is printed anyway.
  }
}

/** Runs `ui`, as declared (options, help) in `commands/ui.ts`. */
export const run: CommandRun = async (ctx, _args, options) => {
  if (!fs.existsSync(`${APP_DIR}index.html`)) {
    throw new Error(`the dashboard's files are missing from ${APP_DIR}: rebuild @runmeta/cli`);
  }
  // Opened here first: a database that cannot be read is refused before anything starts.
  // Live, as the workers' are: the dashboard shows what a running simulation commits.
  const manager = await ctx.open({ write: false, live: true });
  let api: Awaited<ReturnType<typeof answerer>> | null = null;
  try {
    try {
      api = await answerer(ctx, manager);
    } catch (error) {
      if (!(error instanceof AnsweredError)) throw error;
      // A worker could not open what this process just opened (moved or locked meanwhile).
      const { problem, hint } = error.body.error;
      throw new CliUsageError(
        `the dashboard's workers could not open ${ctx.location.display}: ${problem}${hint ? `. ${hint}` : ''}`,
      );
    }
    // Answers that read every run are kept per state of the file (this
    // process's own read-only connection tells when anyone commits), and the
    // overview's are asked now, so its first visit finds them. After a write
    // the pages get the kept answer at once, marked with its time, then wait
    // for the one being asked (the quick and asking faces); the JSON API
    // waits for the current answer.
    const answers = cacheAnswers(api, { version: () => manager.dataVersion() });
    if ((await manager.dataVersion()) !== null) warmOverview(answers.current);
    else if (ctx.location.directory !== null) {
      // A small WAL-mode file this user may not make side files beside: read as a copy.
      ctx.info(
        `note: ${ctx.location.display} is shown as it was when runmeta ui started: reading it live needs its -wal and -shm files, which this user cannot create beside it (restart runmeta ui to see later runs)`,
      );
    }
    let server: Awaited<ReturnType<typeof startUiServer>>;
    try {
      server = await startUiServer({
        api: answers.current,
        kept: answers,
        // An open page asks it now and then, to say that runs were written since it was shown.
        version: () => manager.dataVersion(),
        port: options.port as number | undefined,
        appDir: APP_DIR,
      });
    } catch (error) {
      if (!(error instanceof UiServerError)) throw error;
      throw new CliUsageError(
        `${error.problem}: pass another --port (--port 0 takes any free one)`,
      );
    }
    // The CLI's own interrupt handling: the first Ctrl-C stops the server, a second exits at once.
    const { signal, dispose } = catchInterrupts();
    ctx.out(`runmeta ui: ${server.url}/runs`);
    ctx.info(`Serving ${ctx.location.display} read-only on 127.0.0.1 only; press Ctrl-C to stop.`);
    if (options.open) openBrowser(`${server.url}/runs`);
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    await server.close();
    dispose();
    ctx.info('Stopped.');
    return 0;
  } finally {
    await api?.close?.();
    await manager.close();
  }
};
