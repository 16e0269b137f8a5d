/**
 * The terminal width of text: string-width's answer, with printable ASCII and
 * the few marks runmeta prints itself (`—` for nothing, `…` for a cut, `≠`,
 * and the bars' blocks) counted by their length. string-width's own fast path
 * covers ASCII only, and anything else makes it build an `Intl.Segmenter`
 * (50-60 ms at first use, see `tsup.config.ts`): a table of plain values with
 * an empty cell or two should not pay that.
 */
import stringWidth from 'string-width';

/** Marks runmeta prints that a terminal shows one column wide (`width.test.ts` checks them). */
export const OWN_MARKS = '—…≠█▏';

const NARROW = new RegExp(`^[\\x20-\\x7e${OWN_MARKS}]*$`, 'u');

/** Columns `text` takes in a terminal. */
export function displayWidth(text: string): number {
  return NARROW.test(text) ? text.length : stringWidth(text);
}
