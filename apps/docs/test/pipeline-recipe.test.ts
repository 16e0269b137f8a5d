/**
 * The pipeline recipe's Python snippet, run for real: taken from the page
 * itself (so the page cannot drift from what is tested), run with python3 in a
 * folder inside the repository (where `npx runmeta` finds the workspace's CLI),
 * and its database read back with Python's own sqlite3 module, independent of
 * runmeta. python3 ships with Node on Debian (NodeSource's nodejs depends on
 * it; the official node images have it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const page = path.resolve(here, '../recipes/pipeline.md');
const cli = path.resolve(here, '../../../packages/cli/dist/bin.js');

/** The Python blocks of a markdown page. */
function pythonBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```python\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/**
 * Run Python code in `cwd`; its exit code and output. The environment is a
 * user's shell, not this test run's: pnpm's `npm_config_*` variables would make
 * the snippet's `npx` warn about settings npm does not know.
 */
function python(code: string, cwd: string) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)),
  );
  return spawnSync('python3', ['-c', code], { cwd, env, encoding: 'utf8', timeout: 120_000 });
}

let dir: string;
beforeAll(() => {
  if (!fs.existsSync(cli))
    throw new Error('Build the CLI first: `pnpm build` at the repository root');
  // Inside the repository, so that `npx runmeta` runs the workspace's CLI.
  const outputs = path.resolve(here, '../test-output');
  fs.mkdirSync(outputs, { recursive: true });
  dir = fs.mkdtempSync(path.join(outputs, 'pipeline-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the pipeline recipe', () => {
  it('shows one Python snippet, writing to one `runmeta ingest` process', () => {
    const blocks = pythonBlocks(fs.readFileSync(page, 'utf8'));
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toContain('subprocess.Popen(');
    expect(blocks[0]).toContain('"ingest"');
    // The one-process-per-event examples are gone.
    expect(fs.readFileSync(page, 'utf8')).not.toMatch(/runmeta record mechanism "\$RUN"/);
  });

  it('runs with python3 and records its runs, as Python reads them back', () => {
    const version = spawnSync('python3', ['--version'], { encoding: 'utf8' });
    expect(version.status, 'python3 is needed to test the recipe').toBe(0);
    const [snippet] = pythonBlocks(fs.readFileSync(page, 'utf8'));
    const run = python(snippet!, dir);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('ingested 27 events from 27 lines\n');
    const counts = execFileSync(
      'python3',
      [
        '-c',
        [
          'import json, sqlite3',
          'db = sqlite3.connect("metadata/runs.db")',
          'one = lambda sql: db.execute(sql).fetchone()[0]',
          'print(json.dumps({',
          '  "runs": one("SELECT count(*) FROM runs"),',
          `  "completed": one("SELECT count(*) FROM runs WHERE status = 'completed'"),`,
          '  "compliance": one("SELECT min(token_budget_compliance) FROM runs"),',
          '  "mechanisms": one("SELECT count(*) FROM mechanism_usage"),',
          `  "dialog": one("SELECT count(*) FROM resolution_assignments WHERE resolution = 'dialog'"),`,
          '  "validations": one("SELECT count(*) FROM validations WHERE passed = 1"),',
          '}))',
        ].join('\n'),
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(JSON.parse(counts)).toEqual({
      runs: 3,
      completed: 3,
      compliance: 0.873,
      mechanisms: 9,
      dialog: 9,
      validations: 3,
    });
  });
});
