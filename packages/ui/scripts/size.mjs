// Size check of the dashboard (run by `lint`): the JS a browser loads for the
// app `runmeta ui` serves (dist/app), gzipped, within the 150 kB of issue 16.
import fs from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 150 * 1024;
const assets = new URL('../dist/app/assets/', import.meta.url);
const scripts = fs.readdirSync(assets).filter((name) => name.endsWith('.js'));
if (scripts.length === 0) {
  console.error('dist/app has no JS: build @runmeta/ui first (pnpm build)');
  process.exit(1);
}
const size = scripts.reduce(
  (sum, name) => sum + gzipSync(fs.readFileSync(new URL(name, assets)), { level: 9 }).length,
  0,
);
const kib = (n) => `${(n / 1024).toFixed(1)} kB`;
console.log(`@runmeta/ui dist/app JS: ${kib(size)} gzipped (budget ${kib(BUDGET)})`);
if (size > BUDGET) {
  console.error(`the dashboard's JS is ${kib(size)} gzipped, over the ${kib(BUDGET)} budget`);
  process.exit(1);
}
