import { defineConfig } from 'tsup';

export default defineConfig({
  // `url` alone does not load the driver: the CLI checks every --db with it.
  entry: {
    index: 'src/index.ts',
    'sqlite-image': 'src/sqlite-image.ts',
    url: 'src/postgres-url.ts',
  },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: ['pg', '@runmeta/core', '@runmeta/node-sqlite'],
});
