/**
 * Arguments that are not text runmeta can store unchanged. On Linux the
 * arguments arrive as bytes, and Node turns bytes that are not UTF-8 into U+FFFD
 * without a word: `--goal $'\xff'` would be stored as "\ufffd", changed. So the
 * bytes themselves are checked (`/proc/self/cmdline`), and every argument for a
 * lone UTF-16 surrogate (possible where arguments arrive as UTF-16); such an
 * argument is refused as bad usage, naming its flag.
 */
import fs from 'node:fs';
import { isWellFormedText, loneSurrogateIndex, utf8Problem } from '@runmeta/core/text';
import { CliUsageError } from './usage-error.js';

/**
 * The bytes of these arguments when Node may have changed one, else undefined.
 * Node turns every byte sequence that is not UTF-8 into at least one U+FFFD, so
 * an argument without U+FFFD arrived as valid UTF-8: a start reads
 * `/proc/self/cmdline` only when an argument holds U+FFFD.
 */
export function argumentBytesToCheck(argv: readonly string[]): Uint8Array[] | undefined {
  return argv.some((arg) => arg.includes('\uFFFD')) ? rawArguments(argv.length) : undefined;
}

/**
 * The last `count` arguments of this process as bytes, or undefined where the
 * system does not show them (not Linux, or /proc not mounted).
 */
export function rawArguments(count: number): Uint8Array[] | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync('/proc/self/cmdline');
  } catch {
    return undefined;
  }
  const parts: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0) {
      parts.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  return parts.length >= count ? parts.slice(parts.length - count) : undefined;
}

/** `--goal` for the value after `--goal` (or in `--goal=…`), else `argument 3`. */
function argumentName(argv: readonly string[], index: number): string {
  const own = argv[index]!;
  if (/^--[\w-]+=/.test(own)) return own.slice(0, own.indexOf('='));
  const previous = argv[index - 1];
  if (previous && /^--?[\w-]+$/.test(previous) && !own.startsWith('-')) return previous;
  return `argument ${index + 1}`;
}

/**
 * Throw a usage error for the first argument that is not well-formed text:
 * `raw` holds the same arguments as bytes, when the system shows them.
 */
export function checkArguments(argv: readonly string[], raw?: readonly Uint8Array[]): void {
  // The bytes are used only when they are these arguments (as Node decoded them).
  const lossy = new TextDecoder();
  const aligned =
    raw?.length === argv.length && raw.every((bytes, i) => lossy.decode(bytes) === argv[i]);
  argv.forEach((arg, index) => {
    const bytes = aligned ? raw[index] : undefined;
    const problem = bytes
      ? utf8Problem(bytes)
      : isWellFormedText(arg)
        ? null
        : `has a lone UTF-16 surrogate at character ${loneSurrogateIndex(arg) + 1}`;
    if (problem) {
      throw new CliUsageError(
        `${argumentName(argv, index)}: the value ${problem}; runmeta would read it changed (as U+FFFD) and store or look for something else than given. Pass it as UTF-8`,
      );
    }
  });
}
