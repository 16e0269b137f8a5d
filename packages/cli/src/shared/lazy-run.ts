/**
 * A command's work, loaded when it runs. The declarations in `commands/` are all
 * loaded at every start (`--help` lists them, commander parses with them), so
 * they import nothing heavy; the work of each command lives in `actions/` and is
 * imported from its declaration's `run` through this, as its own chunk: `--help`
 * or `status` never load zod, the manager or another command's code they do not use.
 */
import type { CommandRun } from '../commands/types.js';

/** A `run` that imports `load`'s module (exporting `run`) on first use and calls it. */
export function lazy(load: () => Promise<{ run: CommandRun }>): CommandRun {
  return async (ctx, args, options) => (await load()).run(ctx, args, options);
}
