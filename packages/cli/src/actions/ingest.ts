/**
 * The work of `ingest`: a whole pipeline's events as JSON lines on stdin, written
 * by one process, committed in small groups.
 */

import { type IngestAck, ingestEvents, type MetadataManager } from '@runmeta/core';
import type { CommandRun } from '../commands/types.js';
import type { CliContext } from '../context.js';
import { catchInterrupts } from '../interrupt.js';
import { printable } from '../output/printable.js';
import { CliUsageError } from '../usage-error.js';

/** Runs `ingest`, as declared (options, help) in `commands/ingest.ts`. */
export const run: CommandRun = async (ctx) => {
  const stdin = ctx.streams.stdin;
  if (!stdin) throw new CliUsageError('ingest reads JSON lines on stdin, and there is none');
  if (ctx.streams.stdinIsTTY) ctx.info('reading JSON lines (one event per line); end with Ctrl-D');
  let manager: MetadataManager | null = null;
  // Ctrl-C or SIGTERM commits what was read, then says up to which line.
  const interrupts = catchInterrupts();
  try {
    const result = await ingestEvents(
      async () => {
        manager = await ctx.open({ write: true });
        return manager;
      },
      stdin,
      {
        signal: interrupts.signal,
        ...(ctx.global.json && { onCommit: (acks) => acknowledge(ctx, acks) }),
      },
    );
    if (!ctx.global.json) {
      ctx.out(`ingested ${result.events} events from ${result.lines} lines`);
    }
    return 0;
  } finally {
    interrupts.dispose();
    // Stop reading: a bad line ends the process even while the sender keeps writing.
    stdin.destroy();
    await (manager as MetadataManager | null)?.close();
  }
};

/** One JSON object per committed line on stdout, waiting when the reader is slower. */
function acknowledge(ctx: CliContext, acks: readonly IngestAck[]): Promise<void> | undefined {
  let text = '';
  for (const { line, event, runId } of acks) {
    text += `${printable(JSON.stringify({ line, event, runId }))}\n`;
  }
  const stdout = ctx.streams.stdout;
  if (stdout.write(text)) return undefined;
  return new Promise((resolve) => stdout.once('drain', () => resolve()));
}
