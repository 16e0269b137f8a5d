/**
 * The fidelity distribution a caller writes: resolution level → count, folded to lowercase keys.
 *
 * @packageDocumentation
 */
import { z } from 'zod';
import { RESOLUTION_LEVELS } from './enum-values.js';
import { Count } from './values.js';

/**
 * Fidelity distribution: JSON object level → count, stored with lowercase keys.
 * Keys must be resolution levels (upper-case names accepted); `DIALOG` and
 * `dialog` in one object are summed, never silently overwritten.
 */
export const FidelityDistribution = z.record(z.string(), Count).transform((input, ctx) => {
  const out: Record<string, number> = {};
  for (const [key, count] of Object.entries(input)) {
    const level = key.toLowerCase();
    const known = (RESOLUTION_LEVELS as readonly string[]).includes(level);
    if (!known || (key !== level && key !== key.toUpperCase())) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `"${key}" is not a resolution level (${RESOLUTION_LEVELS.join(', ')})`,
      });
      return z.NEVER;
    }
    out[level] = (out[level] ?? 0) + count;
  }
  return out;
});
export type FidelityDistribution = Record<string, number>;
