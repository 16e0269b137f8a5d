/**
 * Start a TypeScript worker as a real Node.js process: tsx compiles it, and the
 * `@runmeta/source` condition makes workspace packages resolve to their sources,
 * so process tests need no prior build.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageRoot = path.resolve(here, '..');

/** Spawn `test/workers/<name>.ts` with the given arguments. */
export function spawnWorker(
  name: string,
  args: string[],
  options: SpawnOptions = {},
): ChildProcess {
  return spawn(
    process.execPath,
    [
      '--conditions=@runmeta/source',
      '--import',
      'tsx',
      path.join(here, 'workers', `${name}.ts`),
      ...args,
    ],
    { cwd: packageRoot, stdio: ['ignore', 'pipe', 'pipe'], ...options },
  );
}

/** Run a worker to completion; resolves with its exit code, signal and output. */
export function runWorker(
  name: string,
  args: string[],
  options: SpawnOptions = {},
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnWorker(name, args, options);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
