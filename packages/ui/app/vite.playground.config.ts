import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vite';
import dashboard from './vite.config';

// The dashboard on the in-page API (sql.js), for the docs playground: the same
// build as `runmeta ui`'s, from its own page into the package's dist/playground,
// with relative paths so any folder can serve it.
export default mergeConfig(dashboard, {
  base: './',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist/playground', import.meta.url)),
    rollupOptions: { input: fileURLToPath(new URL('./playground.html', import.meta.url)) },
  },
});
