import fs from 'node:fs';
import { defineConfig, type Options } from 'tsup';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

// commander requires node:child_process when it loads, for subcommands that are
// separate executables, which runmeta never declares. Loading it pulls in net,
// dgram and their bindings (4-6 ms of every start): commander gets a stand-in
// that loads the real module on the first `spawn`, the one function it calls.
const lazyChildProcess: Plugin = {
  name: 'lazy-child-process',
  setup(build) {
    build.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer)
        ? { path: 'child_process', namespace: 'lazy' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "exports.spawn = (...a) => require('node:child_process').spawn(...a);",
      loader: 'js',
    }));
  },
};

// Three entries (the bin, the command declarations the docs read, and the
// worker `runmeta ui` starts for each reading connection) over shared
// chunks: everything (core, node-sqlite, postgres with pg, zod, commander,
// picocolors) is inlined; better-sqlite3 stays external because it is the one
// native module, pg-native (pg's optional native binding, never used) too, and
// string-width, which only text other than ASCII needs: parsing it costs 40-70
// ms (its emoji pattern), so `output/width.ts` requires it on first need.
// Splitting turns each `import()` into a chunk loaded on demand, so a start pays
// only for what it runs: `--help` loads the declarations and commander, never zod,
// the manager or pg (see src/shared/lazy-run.ts).
export default defineConfig({
  entry: { bin: 'src/bin.ts', commands: 'src/commands/index.ts', 'ui-worker': 'src/ui-worker.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  dts: { entry: { commands: 'src/commands/index.ts' } },
  sourcemap: true,
  clean: true,
  splitting: true,
  minify: true,
  noExternal: [/^(?!(better-sqlite3|pg-native|string-width)$).*/],
  external: ['better-sqlite3', 'pg-native', 'string-width'],
  // Keep `node:` specifiers, so the stand-in above sees commander's own.
  removeNodeProtocol: false,
  esbuildPlugins: [lazyChildProcess],
  esbuildOptions(options) {
    options.conditions = ['@runmeta/source'];
    // Non-ASCII text stays escaped, so Node keeps the source one byte per character.
    options.charset = 'ascii';
    // Minified, error classes would be named `A`: `--debug` stacks and an error's
    // `name` (core sets it from the class) keep the real names.
    options.keepNames = true;
  },
  // `runmeta ui` serves the dashboard @runmeta/ui builds: its files ship in dist/ui.
  onSuccess: async () => {
    fs.cpSync('../ui/dist/app', 'dist/ui', { recursive: true });
  },
  banner: {
    // Bundled CommonJS dependencies (commander) call require(); give ESM one.
    js: "import { createRequire as __runmetaCreateRequire } from 'node:module';\nconst require = __runmetaCreateRequire(import.meta.url);",
  },
});
