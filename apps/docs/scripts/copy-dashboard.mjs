// The playground's dashboard is @runmeta/ui's in-page build (dist/playground):
// copied into the site's public folder at build time, never edited here.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const from = fileURLToPath(new URL('../../../packages/ui/dist/playground', import.meta.url));
const to = fileURLToPath(new URL('../public/dashboard', import.meta.url));
if (!fs.existsSync(`${from}/playground.html`)) {
  throw new Error(
    `${from} is missing: build @runmeta/ui first (pnpm build at the repository root)`,
  );
}
fs.rmSync(to, { recursive: true, force: true });
fs.cpSync(from, to, { recursive: true });
