/**
 * The CLI tests run the built binary as a real process. Build it when it is
 * missing or older than a source file, so `pnpm test` works on a fresh clone too.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newest(dir: string): number {
  let time = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    time = Math.max(time, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
  }
  return time;
}

export default function setup(): void {
  const bin = path.join(root, 'dist', 'bin.js');
  const sources = Math.max(
    newest(path.join(root, 'src')),
    newest(path.join(root, '..', 'core', 'src')),
    newest(path.join(root, '..', 'node-sqlite', 'src')),
    newest(path.join(root, '..', 'postgres', 'src')),
  );
  if (fs.existsSync(bin) && fs.statSync(bin).mtimeMs >= sources) return;
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules', 'tsup', 'dist', 'cli-default.js')],
    { cwd: root, stdio: 'inherit' },
  );
}
