// Bundle-size check (run by `lint`): the package's own JS, gzipped, without sql.js,
// the wasm and @runmeta/core (its dependencies), must stay within the budget.
import fs from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 25 * 1024;
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
  `  for information: dist/runmeta-browser.js (with core, zod and sql.js's JS, no wasm): ${kib(standalone)} gzipped`,
);
if (own > BUDGET) {
  console.error(`dist/index.js is ${kib(own)} gzipped, over the ${kib(BUDGET)} budget`);
  process.exit(1);
}
