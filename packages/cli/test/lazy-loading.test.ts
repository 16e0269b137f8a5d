/**
 * A start pays only for what it runs: `--help` loads the command declarations
 * and commander, never zod, core's manager or node-postgres; a command loads its
 * own code (and core) when it runs. Checked on the built bin as a real process:
 * a module hook records every file Node loads, and each loaded `dist` chunk is
 * told apart by its source map (which sources were bundled into it) — no timing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, PACKAGE_ROOT, removeDir, runCli } from './helpers.js';

const DIST = path.join(PACKAGE_ROOT, 'dist');

/** What a bundled chunk holds, by the sources its source map lists. */
const HOLDS = {
  zod: /\/node_modules\/.*\/zod\//,
  manager: /\/core\/src\/manager\//,
  pg: /\/node_modules\/.*\/pg\//,
} as const;

let dir: string;
let hooks: string;

beforeAll(() => {
  dir = makeTempDir('lazy');
  // Runs in Node's loader thread: appends each file URL it loads to the log.
  fs.writeFileSync(
    path.join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.RUNMETA_LOAD_LOG, url + '\\n');
  return next(url, context);
}
`,
  );
  hooks = path.join(dir, 'register.mjs');
  fs.writeFileSync(
    hooks,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(path.join(dir, 'hooks.mjs')).href)});\n`,
  );
});

afterAll(() => removeDir(dir));

/** Run the bin with the hook; its result and what each loaded dist chunk holds. */
async function runRecorded(name: string, args: string[]) {
  const log = path.join(dir, `${name}.log`);
  fs.writeFileSync(log, '');
  const result = await runCli(args, {
    cwd: dir,
    env: { NODE_OPTIONS: `--import=${pathToFileURL(hooks).href}`, RUNMETA_LOAD_LOG: log },
  });
  const chunks = fs
    .readFileSync(log, 'utf8')
    .split('\n')
    .filter((url) => url.startsWith(pathToFileURL(DIST).href))
    .map((url) => fileURLToPath(url));
  const holds = (kind: keyof typeof HOLDS) =>
    chunks.filter((file) => {
      const map = JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')) as { sources: string[] };
      return map.sources.some((source) => HOLDS[kind].test(source));
    });
  return { result, chunks, holds };
}

describe('what a start loads', () => {
  it('--help loads neither zod, the manager nor node-postgres', async () => {
    const { result, chunks, holds } = await runRecorded('help', ['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: runmeta');
    expect(chunks).toContain(path.join(DIST, 'bin.js'));
    expect(holds('zod')).toEqual([]);
    expect(holds('manager')).toEqual([]);
    expect(holds('pg')).toEqual([]);
  });

  it("a command's --help and a usage error load no more", async () => {
    for (const args of [
      ['runs', 'list', '--help'],
      ['runs', 'list', '--limit', 'x'],
    ]) {
      const { result, holds } = await runRecorded('usage', args);
      expect(result.code, args.join(' ')).toBe(args.includes('--help') ? 0 : 2);
      expect(holds('zod'), args.join(' ')).toEqual([]);
      expect(holds('manager'), args.join(' ')).toEqual([]);
      expect(holds('pg'), args.join(' ')).toEqual([]);
    }
  });

  // (`net` is not checked: a stdout that is a pipe, as here, loads it anyway.)
  it("no start loads node:child_process (commander's is a stand-in until it spawns)", async () => {
    // Node lists every built-in module it has loaded; the list is read at exit.
    const lister = path.join(dir, 'list-builtins.mjs');
    fs.writeFileSync(
      lister,
      `process.on('exit', () => process.stderr.write('builtins: ' + process.moduleLoadList.join(',') + '\\n'));\n`,
    );
    const env = { NODE_OPTIONS: `--import=${pathToFileURL(lister).href}` };
    const db = path.join(dir, 'builtins', 'runs.db');
    for (const args of [
      ['--help'],
      ['start', '--db', db, '--template', 't', '--mode', 'forward'],
    ]) {
      const result = await runCli(args, { cwd: dir, env });
      expect(result.code, args.join(' ')).toBe(0);
      const builtins = /builtins: (.*)/.exec(result.stderr)?.[1]?.split(',') ?? [];
      // The marker is real: the list holds what any start loads.
      expect(builtins, args.join(' ')).toContain('NativeModule fs');
      expect(builtins, args.join(' ')).not.toContain('NativeModule child_process');
    }
  });

  it('status loads core (zod and the manager) when it runs, and still no node-postgres', async () => {
    const db = path.join(dir, 'status', 'runs.db');
    const started = await runCli(['start', '--db', db, '--template', 't', '--mode', 'forward'], {
      cwd: dir,
    });
    expect(started.code).toBe(0);
    const { result, holds } = await runRecorded('status', ['status', '--db', db]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Schema version\s+2\.0/);
    // The markers are real: the same check sees core once a command needs it.
    expect(holds('zod')).not.toEqual([]);
    expect(holds('manager')).not.toEqual([]);
    expect(holds('pg')).toEqual([]);
  });

  it('a table of ASCII cells loads no string-width (nor its Intl.Segmenter); wide text is measured by it', async () => {
    // Counts the segmenters the process builds, and says so on stderr at exit.
    const counter = path.join(dir, 'count-segmenters.mjs');
    fs.writeFileSync(
      counter,
      `import { createRequire } from 'node:module';
const Built = Intl.Segmenter;
let built = 0;
Intl.Segmenter = class extends Built { constructor(...a) { super(...a); built++; } };
const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes('string-width'));
process.on('exit', () => process.stderr.write('segmenters built: ' + built + ', string-width loaded: ' + loaded() + '\\n'));
`,
    );
    const db = path.join(dir, 'widths', 'runs.db');
    const env = { NODE_OPTIONS: `--import=${pathToFileURL(counter).href}` };
    const list = () => runCli(['runs', 'list', '--db', db], { cwd: dir, env });
    const start = (template: string) =>
      runCli(['start', '--db', db, '--template', template, '--mode', 'forward'], { cwd: dir });
    expect((await start('board_meeting')).code).toBe(0);
    const ascii = await list();
    expect(ascii.code).toBe(0);
    expect(ascii.stderr).toContain('segmenters built: 0, string-width loaded: false');
    expect((await start('かいぎ')).code).toBe(0);
    const wide = await list();
    expect(wide.code).toBe(0);
    expect(wide.stderr).toMatch(/segmenters built: [1-9]\d*, string-width loaded: true/);
    // Two columns per CJK character: the template column is as wide as its
    // longest value in columns, so every line's next column starts at one place.
    const lines = wide.stdout.split('\n').filter((line) => line.includes('forward'));
    const columnOf = (line: string) => {
      const at = line.indexOf('forward');
      return [...line.slice(0, at)].reduce((w, ch) => w + (/[\u3000-\u9fff]/.test(ch) ? 2 : 1), 0);
    };
    expect(lines).toHaveLength(2);
    expect(columnOf(lines[0]!)).toBe(columnOf(lines[1]!));
  });
});
