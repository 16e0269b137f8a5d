import { InterruptedError, RunmetaError } from '@runmeta/core';
import { CommanderError } from 'commander';
import { interruptedExitCode } from './interrupt.js';

/** Bad usage found by the CLI itself (exit 2). */
export class CliUsageError extends Error {
  readonly exitCode = 2;
}

/** Exit code and one-line message for any error (SPEC §8). */
export function describeError(error: unknown): { exitCode: number; message: string } {
  if (error instanceof InterruptedError) {
    return {
      exitCode: interruptedExitCode(error.reason),
      message: error.message.replace(/^\[runmeta\] /, ''),
    };
  }
  if (error instanceof RunmetaError) {
    return { exitCode: error.exitCode, message: error.message.replace(/^\[runmeta\] /, '') };
  }
  if (error instanceof CliUsageError) return { exitCode: 2, message: error.message };
  if (error instanceof CommanderError)
    return { exitCode: 2, message: error.message.replace(/^error: /, '') };
  const message = error instanceof Error ? error.message : String(error);
  return { exitCode: 1, message: `internal error: ${message}. Run with --debug and report it` };
}
