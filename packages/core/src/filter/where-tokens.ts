/**
 * The words of a `--where` filter: its tokens, and the error that points at one.
 *
 * @packageDocumentation
 */
import { ValidationError } from '../errors.js';

/** Characters of the filter shown on each side of the offending token. */
const EXCERPT = 60;

/**
 * The filter and a caret under `position`, on their own lines. A long filter is
 * cut to the text around the place (a hostile filter can be a megabyte), and
 * line breaks and tabs become spaces so the caret stays under its character.
 */
function pointAt(source: string, position: number): string {
  const start = Math.max(0, position - EXCERPT);
  const end = Math.min(source.length, position + EXCERPT);
  const text = source.slice(start, end).replace(/\s/g, ' ');
  const before = start > 0 ? '…' : '';
  const after = end < source.length ? '…' : '';
  return `\n  ${before}${text}${after}\n  ${' '.repeat(before.length + position - start)}^`;
}

/** The filter was not valid; `position` points at the offending token (0-based). */
export class WhereSyntaxError extends ValidationError {
  readonly position: number;
  constructor(source: string, position: number, problem: string, detail?: string) {
    // The filter and a caret under the offending token end the message (and the
    // hint, which the CLI prints), on their own lines.
    const caret = pointAt(source, position);
    super('where', `${problem} at position ${position + 1}`, {
      hint: `${detail ? `${detail}. ` : ''}Fix the filter, e.g. status = 'failed' and cost_usd > 0.5:${caret}`,
      operation: 'read',
    });
    this.position = position;
  }
}

/** One token of a filter, with its 0-based position. */
export type Token =
  | { type: 'ident'; text: string; pos: number }
  | { type: 'string'; value: string; pos: number }
  | { type: 'number'; value: number; pos: number }
  | { type: 'op'; text: string; pos: number }
  | { type: 'punct'; text: '(' | ')' | ','; pos: number }
  | { type: 'end'; pos: number };

// Sticky: each matches at `lastIndex` only, without copying the rest of the filter.
const NUMBER = /-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/iy;
const IDENT = /[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?/y;
const OPERATOR = /<=|>=|!=|<>|=|<|>/y;

/** Split a filter into tokens; throws {@link WhereSyntaxError} at a character it cannot read. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (ch === "'" || ch === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= source.length) throw new WhereSyntaxError(source, start, 'unterminated string');
        if (source[i] === ch) {
          if (source[i + 1] === ch) {
            value += ch;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += source[i++];
      }
      tokens.push({ type: 'string', value, pos: start });
    } else if (
      /[0-9]/.test(ch) ||
      ch === '-' ||
      (ch === '.' && /[0-9]/.test(source[i + 1] ?? ''))
    ) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(source);
      if (!match) {
        throw new WhereSyntaxError(source, start, 'expected a number (such as 3, -0.5 or 1e6)');
      }
      const value = Number(match[0]);
      if (!Number.isFinite(value)) {
        throw new WhereSyntaxError(source, start, `${match[0]} is not a finite number`);
      }
      i += match[0].length;
      tokens.push({ type: 'number', value, pos: start });
    } else if (/[A-Za-z_]/.test(ch)) {
      IDENT.lastIndex = i;
      const match = IDENT.exec(source)!;
      i += match[0].length;
      tokens.push({ type: 'ident', text: match[0], pos: start });
    } else if ('()'.includes(ch) || ch === ',') {
      i++;
      tokens.push({ type: 'punct', text: ch as '(' | ')' | ',', pos: start });
    } else {
      OPERATOR.lastIndex = i;
      const match = OPERATOR.exec(source);
      if (!match) throw new WhereSyntaxError(source, start, `unexpected character "${ch}"`);
      i += match[0].length;
      tokens.push({ type: 'op', text: match[0] === '<>' ? '!=' : match[0], pos: start });
    }
  }
  tokens.push({ type: 'end', pos: source.length });
  return tokens;
}
