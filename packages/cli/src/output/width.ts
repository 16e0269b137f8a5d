/**
 * The terminal width of text: string-width's answer, with printable ASCII and
 * the few marks runmeta prints itself (`—` for nothing, `…` for a cut, `≠`,
 * and the bars' blocks) counted by their length. Nothing else needs
 * string-width, and loading it is not free: its emoji pattern takes 40-70 ms
 * to parse, and its `Intl.Segmenter` loads ICU's break rules. So it is
 * required on the first text that needs it (Node ≥ 20.19 requires an ES
 * module), and a table of plain values never loads it.
 */
import { createRequire } from 'node:module';

/** Marks runmeta prints that a terminal shows one column wide (`test/width.test.ts` checks them). */
export const OWN_MARKS = '—…≠█▏';

const NARROW = new RegExp(`^[\\x20-\\x7e${OWN_MARKS}]*$`, 'u');

let measure: ((text: string) => number) | undefined;

/** Columns `text` takes in a terminal. */
export function displayWidth(text: string): number {
  if (NARROW.test(text)) return text.length;
  measure ??= (createRequire(import.meta.url)('string-width') as { default: (t: string) => number })
    .default;
  return measure(text);
}
