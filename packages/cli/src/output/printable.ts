/**
 * Text from a run database is untrusted: a stored goal or run id can hold
 * terminal control sequences (clear the screen, move the cursor, set the window
 * title, write the clipboard through OSC 52) or bidirectional overrides that
 * make a line read differently from what it holds. Everything the CLI prints
 * passes through {@link printable}, which shows such characters as `\uXXXX`
 * instead of sending them to the terminal. Inside JSON text that notation is the
 * JSON escape of the same character, so `--json` and JSON lines stay exact.
 */

/**
 * C0 controls but tab and newline, DEL, C1 controls, and the bidirectional
 * marks, embeddings, overrides and isolates (U+200E/F, U+202A–E, U+2066–9).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching controls is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The colour codes runmeta itself writes (bold, dim, red, green, yellow and
 * their resets), kept when colour is on. Nothing else that starts with ESC is.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts runmeta's own colour codes
const SGR = /(\u001b\[(?:1|2|22|31|32|33|39)m)/;

const shownAs = (char: string): string => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * `text` with every terminal control character shown as `\uXXXX`.
 *
 * @param keepColour - keep the few colour codes runmeta writes itself (when
 *   colour is on, on a terminal). A stored value holding one of those could at
 *   most colour text; table cells and record lines are cleaned before they are
 *   coloured, so there not even that.
 */
export function printable(text: string, keepColour = false): string {
  if (!keepColour) return text.replace(UNSAFE, shownAs);
  return text
    .split(SGR)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(UNSAFE, shownAs)))
    .join('');
}
