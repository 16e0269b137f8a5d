/**
 * The schema of a narrative summary: what a narrative export contributes to a
 * snapshot. Option schemas accept one, so it sits with the schemas rather than
 * with the snapshot that formats it.
 */
import * as z from 'zod/mini';

/** What a narrative export contributes to a snapshot. */
export const NarrativeSummary = z.object({
  /** The narrative file the values came from. */
  source: z.string(),
  characters: z.array(z.string()),
  timeline: z.array(z.string()),
  latestEvent: z.nullable(z.string()),
  dialogCount: z.number().check(z.int(), z.nonnegative()),
});
export type NarrativeSummary = z.infer<typeof NarrativeSummary>;
