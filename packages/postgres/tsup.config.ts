import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'sqlite-image': 'src/sqlite-image.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: ['pg', '@runmeta/core', '@runmeta/node-sqlite'],
});
