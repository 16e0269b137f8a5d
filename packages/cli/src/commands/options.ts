/** Parsing of option values shared by several commands: durations, counts. */
import { CliUsageError } from '../errors.js';

/** `90s`, `30m`, `12h`, `7d`, `2w` → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/i.exec(text.trim());
  if (!match)
    throw new CliUsageError(
      `bad duration "${text}": use a number and a unit, e.g. 90s, 30m, 12h, 7d, 2w`,
    );
  const unit = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[match[2]!.toLowerCase() as 's']!;
  return Number(match[1]) * unit * 1000;
}

export function parseCount(name: string, text: unknown): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new CliUsageError(`${name} must be a whole number ≥ 0, got "${text}"`);
  return value;
}
