/** The work of `status`: what the database is, without changing it (and, with `--check`, whether it is intact). */
import type { CommandRun } from '../commands/types.js';
import { showStatus } from '../shared/show-status.js';

export const run: CommandRun = (ctx, _args, options) => showStatus(ctx, { check: !!options.check });
