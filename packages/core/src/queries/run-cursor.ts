/**
 * Keyset cursors of a run list: where the next page starts, as opaque text a
 * user can pass back (`runs list --cursor`, `listRuns({ cursor })`). A cursor
 * holds the order it was made for and the last run's place in it — whether it
 * had a value for the key, the value, and its run id — so the next page is an
 * index range, never an offset that rescans what came before.
 *
 * @packageDocumentation
 */
import { ValidationError } from '../errors.js';
import type { SqlValue } from '../sql/values.js';
import { formatRunOrder, type RunOrder } from './sort-keys.js';

/** The place after which the next page starts. */
export interface RunCursor {
  /** The order (`key:direction`) the cursor was made for. */
  order: string;
  /** Whether the last run had no value for the key (runs without one come last). */
  missing: boolean;
  /** The last run's value for the key (null when `missing`). */
  value: SqlValue;
  runId: string;
}

/** Encode a cursor as URL-safe text. */
export function encodeRunCursor(cursor: RunCursor): string {
  const value = typeof cursor.value === 'bigint' ? String(cursor.value) : cursor.value;
  const json = JSON.stringify([cursor.order, cursor.missing ? 1 : 0, value, cursor.runId]);
  return toBase64Url(json);
}

// btoa/atob and TextEncoder exist in browsers and Node alike (core runs in both).
function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): string {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

const badCursor = (option: string, problem: string) =>
  new ValidationError(option, problem, {
    operation: 'read',
    hint: 'Pass the cursor a page printed, with the same sort; or start again without it',
  });

/**
 * Decode a cursor made for `order`; a cursor that is not one, or was made for
 * another order, is a {@link ValidationError} naming `option`.
 */
export function decodeRunCursor(text: string, order: RunOrder, option = 'cursor'): RunCursor {
  let parts: unknown;
  try {
    parts = JSON.parse(fromBase64Url(text));
  } catch {
    throw badCursor(option, `"${text.slice(0, 40)}" is not a cursor of a run list`);
  }
  const [made, missing, value, runId] = Array.isArray(parts) ? parts : [];
  if (
    typeof made !== 'string' ||
    (missing !== 0 && missing !== 1) ||
    typeof runId !== 'string' ||
    !(value === null || typeof value === 'string' || typeof value === 'number')
  ) {
    throw badCursor(option, `"${text.slice(0, 40)}" is not a cursor of a run list`);
  }
  if (made !== formatRunOrder(order)) {
    throw badCursor(
      option,
      `the cursor continues a list sorted by ${made}, not ${formatRunOrder(order)}`,
    );
  }
  return { order: made, missing: missing === 1, value, runId };
}
