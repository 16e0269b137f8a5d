/**
 * Cutting a stream of text or bytes into numbered lines, a chunk at a time.
 * The stream is pulled, never drained ahead: the next chunk is read only when
 * the caller asks for more lines, so a fast producer waits (back-pressure) and
 * memory holds one chunk plus one unfinished line, whatever the input's size.
 *
 * @packageDocumentation
 */

/** One line of input: its 1-based number and its text (without the `\n`). */
export interface InputLine {
  number: number;
  text: string;
}

/** What a line of input can be refused for before it is even read as JSON. */
export class InputLineProblem extends Error {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}

/** Longest line taken by default: an event is small, a runaway line is not held forever. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

const NEWLINE = 0x0a;

/**
 * The lines of `input`, one array per chunk read (so a caller deals with a
 * chunk's lines at once, and waits on the input once per chunk, not per line).
 * A last line without its newline counts. Bytes must be UTF-8: a line that is
 * not throws {@link InputLineProblem} naming it, as does a line longer than
 * `maxLineBytes` (measured in UTF-16 units for text input).
 */
export async function* inputLines(
  input: AsyncIterable<string | Uint8Array>,
  maxLineBytes = MAX_LINE_BYTES,
  /** What one line holds, for the refusal of a line too long (`event`, `run`). */
  record = 'event',
): AsyncGenerator<InputLine[], void, undefined> {
  // Each block of lines is decoded on its own: a byte order mark is kept, and
  // dropped below from the first line only.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let next = 1;
  /** The unfinished last line so far, as bytes or text (whichever the input gives). */
  let rest: Uint8Array | string = '';
  const numbered = (texts: string[]): InputLine[] => {
    if (next === 1 && texts[0]?.startsWith('\uFEFF')) texts[0] = texts[0].slice(1);
    return texts.map((text) => ({ number: next++, text }));
  };
  const tooLong = () =>
    new InputLineProblem(
      next,
      `is longer than ${maxLineBytes} bytes; one ${record} per line, each line ending with a newline`,
    );
  for await (const chunk of input) {
    if (typeof chunk === 'string') {
      const text: string =
        (typeof rest === 'string' ? rest : decodeLines(decoder, rest, next)) + chunk;
      const end = text.lastIndexOf('\n');
      rest = end < 0 ? text : text.slice(end + 1);
      if (rest.length > maxLineBytes) throw tooLong();
      if (end >= 0) yield numbered(text.slice(0, end).split('\n'));
      continue;
    }
    const bytes: Uint8Array =
      typeof rest === 'string' ? withPrefix(rest, chunk) : concat(rest, chunk);
    const end = bytes.lastIndexOf(NEWLINE);
    rest = end < 0 ? bytes : bytes.subarray(end + 1);
    if (rest.length > maxLineBytes) throw tooLong();
    if (end >= 0) yield numbered(decodeLines(decoder, bytes.subarray(0, end), next).split('\n'));
  }
  const last = typeof rest === 'string' ? rest : decodeLines(decoder, rest, next);
  if (last !== '') yield numbered([last]);
}

/**
 * Whole lines of bytes as text. Decoded in one call (fast); only when that
 * fails are the lines decoded one by one, to name the first that is not UTF-8.
 */
function decodeLines(
  decoder: InstanceType<typeof TextDecoder>,
  bytes: Uint8Array,
  first: number,
): string {
  try {
    return decoder.decode(bytes);
  } catch {
    let start = 0;
    for (let line = first; ; line++) {
      const end = bytes.indexOf(NEWLINE, start);
      const slice = bytes.subarray(start, end < 0 ? bytes.length : end);
      try {
        decoder.decode(slice);
      } catch {
        throw new InputLineProblem(line, 'is not UTF-8 text; send JSON lines encoded in UTF-8');
      }
      if (end < 0) throw new InputLineProblem(line, 'is not UTF-8 text');
      start = end + 1;
    }
  }
}

/** `a` then `b` in one array (no copy when `a` is empty). */
function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Text left over from string chunks, then bytes (an input that mixes both). */
function withPrefix(text: string, bytes: Uint8Array): Uint8Array {
  return text === '' ? bytes : concat(new TextEncoder().encode(text), bytes);
}
