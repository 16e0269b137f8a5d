import { defineConfig } from 'tsup';

// One bundled file: everything (core, node-sqlite, postgres with pg, zod, commander,
// picocolors) is inlined; better-sqlite3 stays external because it is the one
// native module, and pg-native (pg's optional native binding, never used) too.
export default defineConfig({
  entry: { bin: 'src/bin.ts', commands: 'src/commands/index.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  dts: { entry: { commands: 'src/commands/index.ts' } },
  sourcemap: true,
  clean: true,
  splitting: false,
  noExternal: [/^(?!(better-sqlite3|pg-native)$).*/],
  external: ['better-sqlite3', 'pg-native'],
  esbuildOptions(options) {
    options.conditions = ['@runmeta/source'];
    options.charset = 'ascii';
  },
  banner: {
    // Bundled CommonJS dependencies (commander) call require(); give ESM one.
    js: "import { createRequire as __runmetaCreateRequire } from 'node:module';\nconst require = __runmetaCreateRequire(import.meta.url);",
  },
});
