/**
 * The fidelity distribution a caller writes: resolution level → count, folded to lowercase keys.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { RESOLUTION_LEVELS } from './enum-values.js';
import { Count } from './values.js';

/**
 * Fidelity distribution: JSON object level → count, stored with lowercase keys.
 * Keys must be resolution levels (upper-case names accepted); `DIALOG` and
 * `dialog` in one object are summed, never silently overwritten.
 */
export const FidelityDistribution = z.pipe(
  z.record(z.string(), Count),
  z.transform((input, ctx) => {
    const out: Record<string, number> = {};
    for (const [key, count] of Object.entries(input)) {
      const level = key.toLowerCase();
      const known = (RESOLUTION_LEVELS as readonly string[]).includes(level);
      if (!known || (key !== level && key !== key.toUpperCase())) {
        // zod/mini's transform has no addIssue: the issue goes on the payload itself.
        ctx.issues.push({
          code: 'custom',
          input,
          path: [key],
          message: `"${key}" is not a resolution level (${RESOLUTION_LEVELS.join(', ')})`,
        });
        return z.NEVER;
      }
      out[level] = (out[level] ?? 0) + count;
    }
    return out;
  }),
);
export type FidelityDistribution = Record<string, number>;
