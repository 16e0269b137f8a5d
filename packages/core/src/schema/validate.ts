import type { z } from 'zod';
import { ValidationError } from '../errors.js';

/** `['mechanisms', 2, 'mechanism']` → `mechanisms[2].mechanism`. */
function fieldPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || 'input';
}

/**
 * Validate a write's input (or a read's filter, with `operation: 'read'`) with its
 * zod schema. The first problem becomes a {@link ValidationError} naming the field
 * (`fidelityStrategy.tokenBudget`), so the caller sees exactly what to fix.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  prefix = '',
  operation: 'read' | 'write' = 'write',
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const received =
    issue.code === 'invalid_type' || issue.code === 'invalid_value'
      ? ` (got ${JSON.stringify((issue as { input?: unknown }).input) ?? String((issue as { input?: unknown }).input)})`
      : '';
  throw new ValidationError(fieldPath(prefix, issue.path), `${issue.message}${received}`, {
    cause: result.error,
    operation,
  });
}
