import fs from 'node:fs';
import { defineConfig } from 'vitepress';

// Written by TypeDoc (`pnpm generate`) before every build.
const apiSidebar = JSON.parse(
  fs.readFileSync(new URL('../reference/api/typedoc-sidebar.json', import.meta.url), 'utf8'),
);

// Every page is listed here; `test/site.test.ts` checks that every internal link
// of the built site resolves.
export default defineConfig({
  // Examples name local receivers (`http://localhost:4318/v1/traces`): addresses, not pages.
  ignoreDeadLinks: 'localhostLinks',
  title: 'runmeta',
  description:
    'Run metadata for LLM-driven simulations: SQLite, v1 → v2 migration, fidelity metrics.',
  cleanUrls: false,
  // The folder's README is for contributors, not a page of the site.
  srcExclude: ['README.md'],
  lastUpdated: false,
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/node' },
      { text: 'Migration v1 → v2', link: '/migration' },
      { text: 'Recipes', link: '/recipes/pipeline' },
      { text: 'Reference', link: '/reference/cli' },
      { text: 'Playground', link: '/playground' },
    ],
    sidebar: [
      {
        text: 'Getting started',
        items: [
          { text: 'Node.js', link: '/guide/node' },
          { text: 'Browser', link: '/guide/browser' },
          { text: 'Command line', link: '/guide/cli' },
          { text: 'PostgreSQL', link: '/guide/postgres' },
        ],
      },
      {
        text: 'Concepts',
        items: [
          { text: 'The run model', link: '/concepts/run-model' },
          { text: 'Schema v1 and v2', link: '/concepts/schema' },
          { text: 'Metrics', link: '/concepts/metrics' },
          { text: 'The snapshot', link: '/concepts/snapshot' },
          { text: 'Reading runs', link: '/concepts/reading-runs' },
        ],
      },
      { text: 'Migration guide v1 → v2', link: '/migration' },
      {
        text: 'Recipes',
        items: [
          { text: 'Track runs from a pipeline', link: '/recipes/pipeline' },
          { text: 'Read old archives, query both', link: '/recipes/archives' },
          { text: 'Find runs over budget', link: '/recipes/budget' },
          { text: 'Close stale runs', link: '/recipes/stale-runs' },
          { text: 'Dump, restore, send as traces', link: '/recipes/interchange' },
        ],
      },
      {
        text: 'Reference',
        items: [
          { text: 'CLI', link: '/reference/cli' },
          { text: 'Errors', link: '/reference/errors' },
          { text: 'API', link: '/reference/api/', collapsed: true, items: apiSidebar },
        ],
      },
      { text: 'Playground', link: '/playground' },
    ],
    search: { provider: 'local' },
  },
  vite: {
    // The wasm is found next to the package's script; pre-bundling would move the script.
    optimizeDeps: { exclude: ['@runmeta/browser-wasm'] },
  },
});
