import { defineConfig } from 'tsup';

export default defineConfig({
  // `index` runs in a page as well as in Node; `server` is Node's alone, and is
  // loaded only by `runmeta ui`.
  entry: { index: 'src/index.ts', server: 'src/server.ts', constants: 'src/constants.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: ['@runmeta/core', 'hono', '@hono/node-server'],
});
