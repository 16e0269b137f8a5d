import { readFile } from 'node:fs/promises';
import { defineConfig, type Options } from 'tsup';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * string-width builds an `Intl.Segmenter` when it loads: ICU's break-iterator
 * data, 50-60 ms here, paid by every command that prints a table, though
 * printable ASCII (nearly every cell) never reaches the segmenter (the library's
 * own fast path). The bundle builds it on first use instead; the build fails if
 * the library's line changes, rather than silently keep the eager one.
 */
const lazySegmenter: Plugin = {
  name: 'lazy-string-width-segmenter',
  setup(build) {
    build.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const eager = 'const segmenter = new Intl.Segmenter();';
      if (!source.includes(eager))
        throw new Error(
          `${args.path} no longer has "${eager}": update the plugin in tsup.config.ts`,
        );
      const lazy =
        'let built;\nconst segmenter = { segment: (text) => (built ??= new Intl.Segmenter()).segment(text) };';
      return { contents: source.replace(eager, lazy), loader: 'js' };
    });
  },
};

// Two entries (the bin and the command declarations the docs read) over shared
// chunks: everything (core, node-sqlite, postgres with pg, zod, commander,
// picocolors) is inlined; better-sqlite3 stays external because it is the one
// native module, and pg-native (pg's optional native binding, never used) too.
// Splitting turns each `import()` into a chunk loaded on demand, so a start pays
// only for what it runs: `--help` loads the declarations and commander, never zod,
// the manager or pg (see src/shared/lazy-run.ts).
export default defineConfig({
  entry: { bin: 'src/bin.ts', commands: 'src/commands/index.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  dts: { entry: { commands: 'src/commands/index.ts' } },
  sourcemap: true,
  clean: true,
  splitting: true,
  minify: true,
  noExternal: [/^(?!(better-sqlite3|pg-native)$).*/],
  external: ['better-sqlite3', 'pg-native'],
  esbuildPlugins: [lazySegmenter],
  esbuildOptions(options) {
    options.conditions = ['@runmeta/source'];
    // Non-ASCII text stays escaped, so Node keeps the source one byte per character.
    options.charset = 'ascii';
    // Minified, error classes would be named `A`: `--debug` stacks and an error's
    // `name` (core sets it from the class) keep the real names.
    options.keepNames = true;
  },
  banner: {
    // Bundled CommonJS dependencies (commander) call require(); give ESM one.
    js: "import { createRequire as __runmetaCreateRequire } from 'node:module';\nconst require = __runmetaCreateRequire(import.meta.url);",
  },
});
