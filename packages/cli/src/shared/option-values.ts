/**
 * Parsing of option values shared by several commands: counts, amounts,
 * durations. A parser is declared on the option spec (`value:`), so every
 * numeric option is checked the same way before its command runs, a bad value
 * is a usage error naming the flag (exit 2), and `--help` and the docs say what
 * the option takes.
 */
import { CliUsageError } from '../usage-error.js';

/** How an option's text becomes its value; declared on an `OptionSpec`. */
export interface ValueParser<T = unknown> {
  /** What the value must be, for `--help` and the docs: `a whole number ≥ 10`. */
  readonly describe: string;
  /** Parse `text` given to `flag`; throws a usage error naming the flag. */
  parse(text: string, flag: string): T;
}

/** Digits only: `Number()` would also take '', ' ', '0x10', '1e3' and 'Infinity'. */
const WHOLE = /^\d+$/;
/** A value as an error shows it: long ones cut in the middle. */
const shown = (text: string) =>
  text.length > 40 ? `${text.slice(0, 20)}…${text.slice(-10)}` : text;
/** A plain decimal: `12`, `0.5`, `.5`, `3.`. */
const DECIMAL = /^(\d+\.?\d*|\.\d+)$/;

/** A whole number ≥ `min` (counts: runs, entities, tokens, a limit). */
export function wholeNumber(min = 0): ValueParser<number> {
  const describe = `a whole number ≥ ${min}`;
  return {
    describe,
    parse(text, flag) {
      const value = Number(text);
      if (!WHOLE.test(text.trim()) || !Number.isSafeInteger(value) || value < min)
        throw new CliUsageError(`${flag} must be ${describe}, got "${text}"`);
      return value;
    },
  };
}

/** A decimal number ≥ `min` (amounts: cost in USD, a token budget, a ratio). */
export function decimalNumber(min = 0): ValueParser<number> {
  const describe = `a number ≥ ${min}`;
  return {
    describe,
    parse(text, flag) {
      const value = Number(text);
      if (!DECIMAL.test(text.trim()) || !Number.isFinite(value) || value < min)
        throw new CliUsageError(`${flag} must be ${describe}, got "${shown(text)}"`);
      // Digits past the smallest double would silently become 0: not what was given.
      if (value === 0 && /[1-9]/.test(text)) {
        throw new CliUsageError(
          `${flag} is too small to store: ${shown(text)} would be stored as 0; give 0, or a larger number`,
        );
      }
      return value;
    },
  };
}

/** `90s`, `30m`, `12h`, `7d`, `2w` → milliseconds. */
export const duration: ValueParser<number> = {
  describe: 'a number and a unit: s, m, h, d or w (e.g. 90s, 12h, 7d)',
  parse(text, flag) {
    const match = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/i.exec(text.trim());
    if (!match)
      throw new CliUsageError(
        `${flag} must be a number and a unit, e.g. 90s, 30m, 12h, 7d, 2w; got "${text}"`,
      );
    const unit = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[match[2]!.toLowerCase() as 's']!;
    const ms = Number(match[1]) * unit * 1000;
    if (!Number.isFinite(ms)) {
      throw new CliUsageError(`${flag} is too long to count in milliseconds, got "${shown(text)}"`);
    }
    return ms;
  },
};

/** The long flag of an option's flags: `--token-budget <n>` → `--token-budget`. */
export function flagName(flags: string): string {
  return /--[\w-]+/.exec(flags)?.[0] ?? flags;
}

/** Milliseconds as the largest whole unit `duration` reads: 86400000 → `1d`. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['w', 604_800_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms / 1000}s`;
}

/** A TCP port: 0 (any free one) to 65535. */
export function portNumber(): ValueParser<number> {
  const describe = 'a port from 1 to 65535, or 0 for any free one';
  return {
    describe,
    parse(text, flag) {
      const value = Number(text);
      if (!WHOLE.test(text.trim()) || value > 65535)
        throw new CliUsageError(`${flag} must be ${describe}, got "${shown(text)}"`);
      return value;
    },
  };
}
