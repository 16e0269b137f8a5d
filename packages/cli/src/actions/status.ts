/** The work of `status`: what the database is, without changing it (and, with `--check`, whether it is intact). */
import type { CommandRun } from '../commands/types.js';
import { showStatus } from '../shared/show-status.js';

/** Runs `status`, as declared (options, help) in `commands/status.ts`. */
export const run: CommandRun = (ctx, _args, options) => showStatus(ctx, { check: !!options.check });
