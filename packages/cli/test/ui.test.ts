/**
 * `runmeta ui` as a real process over a copy of the shared 110-run fixture: it
 * prints its address, serves the dashboard and its API (answers checked with
 * plain better-sqlite3) — a write by another process included — leaves the
 * database byte-identical, stops cleanly on
 * Ctrl-C, and says which flag to change when the port is taken.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BIN,
  copyFixture,
  makeTempDir,
  plainCount,
  plainRun,
  removeDir,
  runCli,
  sha256,
  V2_32,
} from './helpers.js';

let dir: string;
let file: string;

beforeAll(() => {
  dir = makeTempDir('cli-ui');
  file = copyFixture(V2_32, dir);
});
afterAll(() => removeDir(dir));

/** Start `runmeta ui` and wait for the line with its address. */
function startUi(args: string[]): Promise<{
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exit: Promise<number | null>;
}> {
  const child = spawn(process.execPath, [BIN, 'ui', ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const match = /runmeta ui: (http:\/\/127\.0\.0\.1:\d+)\/runs/.exec(stdout);
      if (match) resolve({ child, url: match[1]!, stderr: () => stderr, exit });
    });
    void exit.then((code) =>
      reject(new Error(`runmeta ui exited (${code}) before serving:\n${stderr}`)),
    );
  });
}

describe('runmeta ui', () => {
  it('serves the dashboard and its API read-only, and stops on Ctrl-C', async () => {
    const before = sha256(file);
    const ui = await startUi(['--db', 'runs.db', '--port', '0']);
    try {
      const count = (await (await fetch(`${ui.url}/api/count?status=failed`)).json()) as number;
      expect(count).toBe(
        plainCount(file, "SELECT count(*) AS n FROM runs WHERE status = 'failed'"),
      );
      const page = await fetch(`${ui.url}/runs/some-run`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="app">');
      expect(ui.stderr()).toContain('read-only on 127.0.0.1 only; press Ctrl-C to stop');
    } finally {
      ui.child.kill('SIGINT');
    }
    expect(await ui.exit).toBe(0);
    expect(ui.stderr()).toContain('Stopped.');
    expect(sha256(file)).toBe(before);
  });

  it('shows what a running simulation commits meanwhile: kept answers are asked again after a write', async () => {
    const liveDir = makeTempDir('cli-ui-live');
    const live = copyFixture(V2_32, liveDir);
    const ui = await startUi(['--db', live, '--port', '0']);
    const ask = async <T>(path: string) => (await (await fetch(`${ui.url}${path}`)).json()) as T;
    type Summary = { totals: { runs: number } };
    type Coverage = {
      cells: { templateId: string; mechanism: string; runs: number; events: number }[];
    };
    const events = () =>
      plainCount(
        live,
        'SELECT count(*) AS n FROM mechanism_usage m JOIN runs r ON r.run_id = m.run_id',
      );
    const eventsIn = (c: Coverage) => c.cells.reduce((n, cell) => n + cell.events, 0);
    try {
      // The overview's questions, as its page asks them (the server asked them at start too).
      const before = await ask<Summary>('/api/summary?by=%22template%22');
      expect(before.totals.runs).toBe(plainCount(live, 'SELECT count(*) AS n FROM runs'));
      const coverage = await ask<Coverage>('/api/coverage');
      expect(eventsIn(coverage)).toBe(events());
      const eventsBefore = events();
      // The state an open page compares: the same until someone writes.
      type State = { version: string | null };
      const state = await ask<State>('/api/state');
      expect(state.version).not.toBeNull();
      expect(await ask<State>('/api/state')).toEqual(state);

      plainRun(
        live,
        `INSERT INTO runs (run_id, template_id, status, started_at, causal_mode)
           VALUES ('live-probe', 'live_probe', 'running', '2025-11-02T10:00:00Z', 'pearl');
         INSERT INTO mechanism_usage (run_id, mechanism, function_name, timestamp)
           VALUES ('live-probe', 'M2', 'probe', '2025-11-02T10:00:01Z');`,
      );
      expect((await ask<State>('/api/state')).version).not.toBe(state.version);
      // A page accepts the answer kept of before the write, at once and marked
      // stale; the current one is asked meanwhile. The JSON API alone waits for it.
      const quick = await fetch(`${ui.url}/api/coverage`, {
        headers: { 'RunMeta-Answer': 'quick' },
      });
      expect(quick.headers.get('RunMeta-Stale')).toBe('true');
      expect(Date.parse(quick.headers.get('RunMeta-As-Of')!)).toBeLessThanOrEqual(Date.now());
      expect(eventsIn((await quick.json()) as Coverage)).toBe(eventsBefore);
      expect(events()).toBe(eventsBefore + 1);
      const after = await ask<Summary>('/api/summary?by=%22template%22');
      expect(after.totals.runs).toBe(plainCount(live, 'SELECT count(*) AS n FROM runs'));
      expect(after.totals.runs).toBe(before.totals.runs + 1);
      const current = await fetch(`${ui.url}/api/coverage`);
      expect(current.headers.get('RunMeta-Stale')).toBe('false');
      const fresh = (await current.json()) as Coverage;
      expect(eventsIn(fresh)).toBe(events());
      expect(fresh.cells).toContainEqual({
        templateId: 'live_probe',
        mechanism: 'M2',
        runs: 1,
        events: 1,
      });
    } finally {
      ui.child.kill('SIGINT');
      expect(await ui.exit).toBe(0);
      removeDir(liveDir);
    }
  });

  it('names --port when the port is taken, and exits 2', async () => {
    const ui = await startUi(['--db', 'runs.db', '--port', '0']);
    try {
      const port = new URL(ui.url).port;
      const second = await runCli(['ui', '--db', 'runs.db', '--port', port], {
        cwd: dir,
        timeoutMs: 30_000,
      });
      expect(second.code).toBe(2);
      expect(second.stderr).toContain(`127.0.0.1:${port} is already in use by another program`);
      expect(second.stderr).toContain('pass another --port (--port 0 takes any free one)');
      expect(second.stdout).toBe('');
    } finally {
      ui.child.kill('SIGINT');
      await ui.exit;
    }
  });

  it('refuses a port that is not one', async () => {
    const result = await runCli(['ui', '--port', '70000'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--port must be a port from 1 to 65535, or 0 for any free one');
  });
});
