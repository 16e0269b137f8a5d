import fs from 'node:fs';
import { createRequire } from 'node:module';
import { defineConfig } from 'tsup';

const require = createRequire(import.meta.url);

/** Ship sql.js's wasm next to both bundles: the default `locateFile` finds it there. */
function copyWasm() {
  fs.mkdirSync('dist', { recursive: true });
  fs.copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), 'dist/sql-wasm.wasm');
}

export default defineConfig([
  {
    // For bundlers (Vite, webpack...): core and sql.js stay dependencies.
    entry: { index: 'src/index.ts' },
    format: ['esm'],
    platform: 'browser',
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    external: ['@runmeta/core', 'sql.js'],
    onSuccess: async () => copyWasm(),
  },
  {
    // For a plain <script type="module"> page: everything in one file (sql.js's
    // browser build, core, zod), the wasm beside it.
    entry: { 'runmeta-browser': 'src/index.ts' },
    format: ['esm'],
    platform: 'browser',
    sourcemap: true,
    target: 'es2022',
    noExternal: [/.*/],
    minify: true,
    esbuildOptions(options) {
      options.conditions = ['browser', 'import', 'default'];
    },
    onSuccess: async () => copyWasm(),
  },
]);
