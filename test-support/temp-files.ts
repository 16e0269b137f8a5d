/**
 * Temp folders, fixture copies and file hashes for the process tests of every
 * package (never shipped). Plain reads of databases stay in each package's own
 * helpers: they need that package's better-sqlite3.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixturesDir } from './legacy-fixtures.js';

/** A fresh folder under the system temp folder. */
export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `runmeta-${prefix}-`));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Copy a shared fixture (with its -wal/-shm companions, if any) into `dir` as `as`,
 * and make the copies writable. The originals are never opened.
 */
export function copyFixture(name: string, dir: string, as = 'runs.db'): string {
  const target = path.join(dir, as);
  fs.mkdirSync(dir, { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) {
    const source = path.join(fixturesDir(), name + suffix);
    if (!fs.existsSync(source)) continue;
    fs.copyFileSync(source, target + suffix);
    fs.chmodSync(target + suffix, 0o644);
  }
  return target;
}

/** SHA-256 of a file's bytes. */
export function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Names and hashes of every file in a folder, sorted by name. */
export function snapshotDir(dir: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name of fs.readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    result[name] = fs.statSync(full).isFile() ? sha256(full) : 'dir';
  }
  return result;
}
