/**
 * The plain arguments of `MetadataManager` methods — a run id, a batch of child
 * records, a SQL read and its parameters — checked like options objects are: a
 * wrong type is a `ValidationError` naming the argument, never a `TypeError`
 * from deep inside, nor an engine error ("Too few parameter values") from a
 * value SQL could not bind.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import type { SqlValue } from '../sql/values.js';
import { parseOptions } from './options.js';
import { parseInput } from './validate.js';
import { NonEmptyText } from './values.js';

/** A run id given to a method: non-empty, well-formed text. */
export const RunIdArgument = NonEmptyText;

/**
 * Check a run id argument. A number is not taken for its text: `5` is not run
 * `"5"`, and a run id that reached a method as anything but a string is a bug
 * worth naming.
 */
export function runIdArgument(value: unknown, operation: 'read' | 'write'): string {
  return parseInput(RunIdArgument, value, 'runId', operation);
}

// Not `.readonly()`: zod would freeze the value, which throws on typed arrays.
const items = z.array(z.unknown());

/** The batch of `recordBatch`: each list optional; items are checked one by one. */
export const RecordBatchSchema = z.strictObject({
  mechanisms: z.optional(items),
  resolutions: z.optional(items),
  validations: z.optional(items),
});

/**
 * Check a batch's shape (not its items), naming it `batch`. Its text is all in
 * its items, which are each checked on their own (`parseInput`): one walk of a
 * 50-event batch, not two.
 */
export function recordBatchArgument(value: unknown): z.output<typeof RecordBatchSchema> {
  return parseOptions(RecordBatchSchema, value, { name: 'batch', checkText: false });
}

/** A value SQL can bind: text, a finite number, a bigint, bytes or null. */
export const SqlValueSchema = z.union(
  [z.string(), z.number(), z.bigint(), z.instanceof(Uint8Array), z.null()],
  {
    error: () =>
      'must be a value SQL can bind: a string, a finite number, a bigint, a Uint8Array or null',
  },
);

/** Check the arguments of `query(sql, params)`. */
export function sqlArguments(
  sql: unknown,
  params: unknown,
): { sql: string; params: readonly SqlValue[] } {
  return {
    sql: parseInput(NonEmptyText, sql, 'sql', 'read'),
    params: parseInput(z.array(SqlValueSchema), params, 'params', 'read'),
  };
}
