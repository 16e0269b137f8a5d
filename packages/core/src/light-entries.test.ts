/**
 * `@runmeta/core/constants` and `@runmeta/core/text` are for what must stay cheap
 * to load (a command line's `--help` and argument checks): no module they reach
 * imports zod, and they export the very values the main entry does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as constants from './constants.js';
import * as core from './index.js';

const SRC = path.dirname(fileURLToPath(import.meta.url));

/** Every source file `entry` reaches through value imports and re-exports. */
function reached(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const text = fs.readFileSync(entry, 'utf8');
  for (const [, what, target] of text.matchAll(
    /^(?:import|export)( type)?[^;]*?from '([^']+)'/gms,
  )) {
    if (what || !target!.startsWith('.')) continue;
    reached(path.resolve(path.dirname(entry), target!.replace(/\.js$/, '.ts')), seen);
  }
  return seen;
}

describe('the zod-free entry points', () => {
  for (const entry of ['constants.ts', 'text.ts']) {
    it(`${entry} reaches no module that imports zod`, () => {
      const files = [...reached(path.join(SRC, entry))];
      expect(files.length).toBeGreaterThan(1);
      const withZod = files.filter((file) =>
        /^import[^;]*from 'zod/m.test(fs.readFileSync(file, 'utf8')),
      );
      expect(withZod.map((file) => path.relative(SRC, file))).toEqual([]);
    });
  }

  it('the constants are the main entry’s own values', () => {
    const main: Record<string, unknown> = { ...core };
    for (const [name, value] of Object.entries(constants)) expect(main[name], name).toBe(value);
  });

  it('the check finds zod where it is', () => {
    const files = [...reached(path.join(SRC, 'schema/enums.ts'))];
    expect(files.some((file) => /^import[^;]*from 'zod/m.test(fs.readFileSync(file, 'utf8')))).toBe(
      true,
    );
  });
});

/** Every `.ts` file under `dir`. */
function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => path.join(dir, name));
}

// Classic zod carries every locale and its method-chain API defeats tree-shaking
// (263 kB of the browser module, ~60 ms of every CLI start): the packages that
// validate inputs use zod/mini, and type-only imports are the only other kind.
describe('zod/mini, not classic zod', () => {
  const PACKAGES = path.resolve(SRC, '../..');
  const CLASSIC = /^import(?! type)[^;]*from 'zod(?:\/v4)?(?:\/classic)?'/m;
  for (const pkg of ['core', 'node-sqlite', 'postgres', 'browser-wasm']) {
    it(`no source file of ${pkg} loads classic zod`, () => {
      const files = sources(path.join(PACKAGES, pkg, 'src'));
      expect(files.length).toBeGreaterThan(1);
      const classic = files.filter((file) => CLASSIC.test(fs.readFileSync(file, 'utf8')));
      expect(classic.map((file) => path.relative(PACKAGES, file))).toEqual([]);
    });
  }

  it('the check finds a classic import', () => {
    expect(CLASSIC.test("import { z } from 'zod';")).toBe(true);
    expect(CLASSIC.test("import * as z from 'zod/v4';")).toBe(true);
    expect(CLASSIC.test("import * as z from 'zod/mini';")).toBe(false);
  });
});
