/**
 * Stored text is data, never terminal commands (same class as "a run
 * database is untrusted input"): a hostile file's goal, template or run id holding
 * escape sequences (clear screen, OSC 52 clipboard write, window title), a bell
 * or a bidirectional override is shown as `\uXXXX` in every human-readable
 * output and error, while JSON stays exact and CSV piped to a file is exact.
 * On a terminal (a real pty through `script`), colour still works and nothing
 * else starting with ESC gets through.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, makeTempDir, parseCsv, plainAll, removeDir, runCli } from './helpers.js';

/** Clear the screen, set the clipboard (OSC 52), ring the bell, reverse the text. */
const HOSTILE = 'a\u001b[2J\u001b]52;c;cm0gLXJmIH4=\u0007b\u202ec\u009bd';
const ID = `run\u001b]0;owned\u0007`;
/** What a terminal would act on: every C0 control but tab/newline, DEL, C1, bidi controls. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the controls are what is looked for
const ACTS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

let dir: string;
let db: string;
const cli = (...args: string[]) => runCli(['--db', db, ...args], { cwd: dir });

beforeAll(async () => {
  dir = makeTempDir('terminal-controls');
  db = path.join(dir, 'metadata', 'runs.db');
  fs.mkdirSync(path.dirname(db));
  for (const id of ['plain', 'other']) {
    const started = await cli('start', '--template', 't', '--mode', 'forward', '--run-id', id);
    expect(started.code, started.stderr).toBe(0);
  }
  expect((await cli('record', 'mechanism', 'plain', 'M1', 'f')).code).toBe(0);
  // The hostile values are written by hand, as a foreign tool would have.
  const raw = new BetterSqlite3(db);
  raw.pragma('foreign_keys = OFF');
  raw
    .prepare('UPDATE runs SET run_id = ?, goal = ?, template_id = ? WHERE run_id = ?')
    .run(ID, HOSTILE, HOSTILE, 'plain');
  raw.prepare('UPDATE mechanism_usage SET run_id = ?, function_name = ?').run(ID, HOSTILE);
  raw.close();
});
afterAll(() => removeDir(dir));

describe('stored controls are shown, not obeyed', () => {
  it.for([['runs list'], ['runs show', ID], ['inspect', ID], ['report'], ['status']])(
    '%s: nothing a terminal acts on, the escapes visible',
    async ([command, ...rest]) => {
      const result = await cli(...command!.split(' '), ...rest);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).not.toMatch(ACTS);
      expect(result.stderr).not.toMatch(ACTS);
      if (command !== 'status') expect(result.stdout).toContain('\\u001b');
    },
  );

  it("report's bar charts measure a label as shown: escaped, on one line", async () => {
    const charts = path.join(dir, 'charts', 'runs.db');
    for (const [id, template] of [
      ['r1', 'short'],
      ['r2', 'red'],
      ['r3', 'two'],
    ]) {
      const started = await runCli(
        ['--db', charts, 'start', '--template', template!, '--mode', 'forward', '--run-id', id!],
        { cwd: dir },
      );
      expect(started.code, started.stderr).toBe(0);
    }
    const raw = new BetterSqlite3(charts);
    raw
      .prepare('UPDATE runs SET template_id = ? WHERE run_id = ?')
      .run('\u001b[31mRED\u001b[0m', 'r2');
    raw.prepare('UPDATE runs SET template_id = ? WHERE run_id = ?').run('line1\nline2\tx', 'r3');
    raw.close();
    const result = await runCli(['--db', charts, 'report'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    const first = lines.indexOf('Runs per template:');
    const chart = lines.slice(first + 1, lines.indexOf('', first));
    // One row per template, every bar starting in the same column.
    expect(chart).toHaveLength(3);
    expect(new Set(chart.map((line) => line.indexOf('\u2588'))).size).toBe(1);
    expect(chart.join('\n')).toContain('\\u001b[31mRED');
  });

  it('an error naming a hostile run id escapes it too', async () => {
    const result = await cli('record', 'mechanism', `${ID}x`, 'M1', 'f');
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(ACTS);
    expect(result.stderr).toContain('\\u0007');
  });

  it('a refused argument that commander repeats is escaped as well', async () => {
    for (const args of [
      ['runs', 'list', '--sort', '\u001b]0;PWN\u0007'],
      ['report', '--by', '\u001b[2J'],
      ['\u001b[2Jnosuchcommand'],
      ['runs', 'list', '--\u001b[2J'],
    ]) {
      const result = await cli(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).not.toMatch(ACTS);
      expect(result.stderr).toContain('\\u001b');
    }
  });

  it('--json and JSON lines stay exact: parsing gives back the stored text', async () => {
    const shown = await cli('--json', 'runs', 'show', ID);
    expect(shown.stdout).not.toMatch(ACTS);
    expect(JSON.parse(shown.stdout).run.goal).toBe(HOSTILE);
    const listed = await cli('runs', 'list', '--format', 'jsonl');
    expect(listed.stdout).not.toMatch(ACTS);
    const goals = listed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).goal);
    expect(goals).toContain(HOSTILE);
  });

  it('CSV into a pipe or a file is the stored text, byte for byte', async () => {
    const [stored] = plainAll(db, 'SELECT goal FROM runs WHERE run_id = ?', [ID]);
    const listed = await cli('runs', 'list', '--format', 'csv');
    const rows = parseCsv(listed.stdout);
    const goal = rows[0]!.indexOf('goal');
    expect(rows.slice(1).map((r) => r[goal])).toContain(stored!.goal);
    const out = path.join(dir, 'runs.csv');
    expect((await cli('export', '--format', 'csv', '--out', out)).code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toContain(HOSTILE);
  });
});

describe('on a terminal', () => {
  /** Runs the CLI under a real pty (`script`), with colour on; returns what the terminal got. */
  function onTerminal(...args: string[]): string {
    const command = [process.execPath, BIN, '--db', db, ...args]
      .map((a) => `'${a.replaceAll("'", "'\\''")}'`)
      .join(' ');
    const result = spawnSync('script', ['-qec', command, '/dev/null'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: undefined, TERM: 'xterm-256color', COLUMNS: '200' },
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    return result.stdout;
  }
  /** A pty turns \n into \r\n: that carriage return is the terminal's, not the file's. */
  const acted = (text: string) =>
    text
      .replaceAll('\r\n', '\n')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: runmeta's colour codes
      .replace(/\u001b\[(?:1|2|22|31|32|33|39)m/g, '')
      .match(ACTS);

  it.for([
    ['runs', 'list'],
    ['runs', 'show', ID],
    ['export', '--format', 'csv'],
  ])('%s: only runmeta’s own colour codes reach the terminal', (args) => {
    const seen = onTerminal(...args);
    expect(acted(seen)).toBeNull();
    expect(seen).toContain('\\u001b');
  });

  it('colour is still on (the failed/running status is coloured)', () => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: yellow, for running
    expect(onTerminal('runs', 'list')).toMatch(/\u001b\[33m/);
  });
});
