/** Asking before a destructive step (migrate, rollback, import, carry-over). */
import { createInterface } from 'node:readline/promises';
import type { CliContext } from '../context.js';
import { CliUsageError } from '../usage-error.js';

/** Ask before a destructive step: --yes, or a y/N prompt on a terminal; never a prompt in a pipe. */
export async function confirm(ctx: CliContext, yes: unknown, question: string): Promise<void> {
  if (yes) return;
  if (!ctx.streams.stdinIsTTY) {
    throw new CliUsageError(
      `${question} — pass --yes to confirm (stdin is not a terminal, so runmeta does not ask)`,
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(`${question} [y/N] `);
  rl.close();
  if (!/^y(es)?$/i.test(answer.trim())) throw new CliUsageError('cancelled; nothing was changed');
}
