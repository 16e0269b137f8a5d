import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Test helpers shared by every package's tests (never shipped).
 *
 * The shared legacy fixtures beside the repository (`../shared/fixtures/legacy-dbs`,
 * or RUNMETA_FIXTURES). Missing fixtures fail loudly.
 */
export function fixturesDir(): string {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const dir =
    process.env.RUNMETA_FIXTURES ?? path.resolve(repoRoot, '../shared/fixtures/legacy-dbs');
  if (!fs.existsSync(dir)) {
    throw new Error(`Legacy fixtures not found at ${dir}; set RUNMETA_FIXTURES`);
  }
  return dir;
}

/** Every `*.db` fixture, by file name. */
export function loadFixtures(): Record<string, Uint8Array<ArrayBuffer>> {
  const dir = fixturesDir();
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .filter((name) => name.endsWith('.db'))
      .map((name) => [name, new Uint8Array(fs.readFileSync(path.join(dir, name)))]),
  );
}
