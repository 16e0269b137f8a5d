/** Writing to a run from the write commands (start, record, complete): open, write, print the run. */
import type { RecordBatch, RunMetadata } from '@runmeta/core';
import { refuseWritingInV1 } from '../archive-words.js';
import type { CliContext } from '../context.js';
import { runJson } from '../output/records.js';

/** Record child rows of one run (one transaction), then print the run. */
export function recordOne(ctx: CliContext, command: string, runId: string, batch: RecordBatch) {
  return withWriter(
    ctx,
    async (m) => {
      await m.recordBatch(runId, batch);
      return m.getRun(runId);
    },
    { command, runId },
  );
}

/**
 * Open for writing, run `fn`, print the run. A command writing to an existing run
 * names it: a v1 file is then refused rather than migrated (the archive strategy
 * would move the run out of reach), and a run found only in the archive is said to be there.
 */
export async function withWriter(
  ctx: CliContext,
  fn: (m: Awaited<ReturnType<CliContext['open']>>) => Promise<RunMetadata>,
  existing?: { command: string; runId: string },
) {
  const manager = await ctx.open({
    write: true,
    ...(existing && {
      refuseV1: refuseWritingInV1(ctx.location.display, existing.command, existing.runId),
    }),
  });
  try {
    const run = await fn(manager);
    if (ctx.global.json) ctx.json(runJson(run));
    else ctx.out(run.runId);
    return 0;
  } finally {
    await manager.close();
  }
}
