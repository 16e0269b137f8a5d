import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// The dashboard on the in-page API (sql.js), for the docs playground: built into
// the package's dist/playground with relative paths, so any folder can serve it.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  publicDir: false,
  plugins: [vue()],
  resolve: { conditions: ['@runmeta/source'] },
  build: {
    outDir: fileURLToPath(new URL('../dist/playground', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: fileURLToPath(new URL('./playground.html', import.meta.url)) },
  },
});
