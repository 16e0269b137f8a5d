// Bundle-size check (run by `lint`), gzipped JS, the wasm aside:
// - the package's own JS, without sql.js and @runmeta/core (its dependencies);
// - the self-contained module a plain page loads;
// - what a user's app built by Vite with the npm package ships (the e2e test's app).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const BUDGET = 25 * 1024;
// The self-contained module (core, zod/mini, sql.js's JS) is held where it is now,
// so it cannot creep back up (it was 153 kB with classic zod); issue 17 aims at 45 kB.
// Raised on purpose from 76 kB to 79 kB by the dump import (`importRuns`: 77.9 kB),
// which a page needs too (a dropped dump) and which, as a manager method, cannot be
// left out of a single-file bundle.
const STANDALONE_BUDGET = 79 * 1024;
// The app imports the package as its dist, the way an app resolves it through its exports.
const APP_BUDGET = 77 * 1024;
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const built = await build({
  root: path.join(root, 'test/e2e/vite-app'),
  configFile: false,
  logLevel: 'silent',
  resolve: { alias: { '@runmeta/browser-wasm': path.join(root, 'dist/index.js') } },
  build: { write: false, target: 'es2022' },
});
const app = [built]
  .flat()
  .flatMap((output) => output.output)
  .filter((file) => file.type === 'chunk')
  .reduce((sum, chunk) => sum + gzipSync(chunk.code, { level: 9 }).length, 0);
const own = gzipSync(fs.readFileSync(new URL('../dist/index.js', import.meta.url)), {
  level: 9,
}).length;
const standalone = gzipSync(
  fs.readFileSync(new URL('../dist/runmeta-browser.js', import.meta.url)),
  { level: 9 },
).length;
const kib = (n) => `${(n / 1024).toFixed(1)} kB`;
console.log(`@runmeta/browser-wasm dist/index.js: ${kib(own)} gzipped (budget ${kib(BUDGET)})`);
console.log(
  `dist/runmeta-browser.js (with core, zod/mini and sql.js's JS, no wasm): ${kib(standalone)} gzipped (budget ${kib(STANDALONE_BUDGET)})`,
);
console.log(
  `a Vite app opening a store and reading its runs (test/e2e/vite-app): ${kib(app)} of JS gzipped (budget ${kib(APP_BUDGET)})`,
);
if (app > APP_BUDGET) {
  console.error(`the Vite app's JS is ${kib(app)} gzipped, over the ${kib(APP_BUDGET)} budget`);
  process.exit(1);
}
if (own > BUDGET) {
  console.error(`dist/index.js is ${kib(own)} gzipped, over the ${kib(BUDGET)} budget`);
  process.exit(1);
}
if (standalone > STANDALONE_BUDGET) {
  console.error(
    `dist/runmeta-browser.js is ${kib(standalone)} gzipped, over the ${kib(STANDALONE_BUDGET)} budget`,
  );
  process.exit(1);
}
