import fs from 'node:fs';
import { defineConfig } from 'tsup';

/**
 * `version.ts` imports package.json for its version; bundled as it is, every
 * build (a browser page's too) would carry the whole manifest. Only the
 * version goes in.
 */
const versionOnly = {
  name: 'package-json-version-only',
  setup(build: { onLoad: (o: { filter: RegExp }, f: (a: { path: string }) => unknown) => void }) {
    build.onLoad({ filter: /[\\/]core[\\/]package\.json$/ }, (args) => ({
      contents: JSON.stringify({ version: JSON.parse(fs.readFileSync(args.path, 'utf8')).version }),
      loader: 'json',
    }));
  },
};

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    adapter: 'src/adapter.ts',
    constants: 'src/constants.ts',
    text: 'src/text.ts',
    otlp: 'src/otlp.ts',
    'demo/index': 'src/demo/index.ts',
    'testing/index': 'src/testing/index.ts',
  },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: ['vitest'],
  esbuildPlugins: [versionOnly],
});
