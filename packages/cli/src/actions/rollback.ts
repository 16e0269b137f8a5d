/** The work of `rollback`: restore the v1 archive, keeping v2 as a backup. */

import { describeChanges, MetadataManager as Manager } from '@runmeta/core';
import type { CommandRun } from '../commands/types.js';
import { confirm } from '../shared/confirm.js';

/** Runs `rollback`, as declared (options, help) in `commands/rollback.ts`. */
export const run: CommandRun = async (ctx, _args, options) => {
  await confirm(
    ctx,
    options.yes,
    `Replace ${ctx.location.display} with its v1 archive (v2 kept as a backup)?`,
  );
  const result = await Manager.rollback({
    adapter: ctx.adapter(),
    database: ctx.location.database,
    confirm: true,
  });
  if (ctx.global.json) ctx.json(result);
  else {
    ctx.out(
      `Restored ${result.restoredFrom} to ${ctx.location.display}; v2 database kept as ${result.backupPath}.`,
    );
    if (describeChanges(result.changes)) ctx.warn(result.warning);
  }
  return 0;
};
