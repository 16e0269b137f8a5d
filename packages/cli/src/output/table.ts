/**
 * Text tables for the terminal. Columns have fixed widths decided before the
 * first row is written, so a table of any size streams in chunks (no width pass
 * over every row, no argument spread that overflows the stack at 130,000 rows),
 * and a long value is cut to its column with `…` instead of widening the table.
 * Widths count what a terminal shows (wide characters, no colour codes).
 */

import { printable } from './printable.js';
import { displayWidth } from './width.js';

/** Longest a text column grows by default before its values are cut with `…`. */
export const DEFAULT_MAX_WIDTH = 48;

/** One column of a streamed table. */
export interface TableColumn<R> {
  header: string;
  /** The cell's plain text (null and undefined show as `—`). */
  value: (row: R) => string | number | null | undefined;
  /** Right-align (numbers). Default left. */
  align?: 'left' | 'right';
  /** Narrowest width (e.g. the longest known status), so later rows fit. */
  min?: number;
  /** Widest width; longer values are cut with `…`. Default {@link DEFAULT_MAX_WIDTH}. */
  max?: number;
  /** Colour applied to the padded cell text (never counted in widths). */
  style?: (text: string, row: R) => string;
  /**
   * Never cut this column's values (ids people copy): a longer value than the
   * first batch had is printed whole and pushes its row's later cells right.
   */
  whole?: boolean;
}

/** One line of plain text: newlines and tabs as spaces, terminal controls escaped. */
const cellText = (value: string | number | null | undefined): string =>
  value === null || value === undefined ? '—' : printable(String(value).replace(/[\r\n\t]+/g, ' '));

/** Cut `text` to `width` terminal columns, ending in `…` when cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    const w = displayWidth(char);
    if (used + w > width - 1) break;
    out += char;
    used += w;
  }
  return `${out}…`;
}

function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

/**
 * A table written batch by batch: widths come from the header, each column's
 * `min`, and the first batch (capped at `max`); every later row is cut to them.
 * Rows go to `write` one chunk per batch.
 */
export function createTableWriter<R>(columns: TableColumn<R>[], write: (text: string) => void) {
  let widths: number[] | null = null;
  let rows = 0;
  const line = (cells: string[]) => cells.join('  ').trimEnd();
  return {
    /** Write a batch of rows (the first batch also decides the widths and writes the header). */
    add(batch: readonly R[]): void {
      if (!widths) {
        widths = columns.map((column) => {
          let width = Math.max(displayWidth(column.header), column.min ?? 0);
          const max = column.whole
            ? Number.POSITIVE_INFINITY
            : Math.max(width, column.max ?? DEFAULT_MAX_WIDTH);
          for (const row of batch)
            width = Math.max(width, displayWidth(cellText(column.value(row))));
          return Math.min(width, max);
        });
        write(
          `${line(columns.map((c, i) => pad(truncate(c.header, widths![i]!), widths![i]!, c.align)))}\n${line(widths.map((w) => '-'.repeat(w)))}\n`,
        );
      }
      if (batch.length === 0) return;
      const fixed = widths;
      const out: string[] = [];
      for (const row of batch) {
        out.push(
          line(
            columns.map((column, i) => {
              const text = pad(
                truncate(cellText(column.value(row)), fixed[i]!),
                fixed[i]!,
                column.align,
              );
              return column.style ? column.style(text, row) : text;
            }),
          ),
        );
      }
      rows += batch.length;
      write(`${out.join('\n')}\n`);
    },
    /** Rows written so far. */
    get rows(): number {
      return rows;
    },
  };
}

/**
 * A small table rendered at once (reports, budget checks): numbers right-aligned,
 * long values cut with `…`. Colour codes in cells don't count towards widths.
 */
export function renderTable(
  headers: string[],
  rows: (string | number | null | undefined)[][],
): string {
  const columns: TableColumn<(string | number | null | undefined)[]>[] = headers.map(
    (header, i) => {
      let numeric = rows.length > 0;
      for (const row of rows) {
        const cell = row[i];
        if (!(typeof cell === 'number' || cell === null || cell === undefined)) numeric = false;
      }
      return { header, value: (row) => row[i], align: numeric ? 'right' : 'left' };
    },
  );
  let text = '';
  const writer = createTableWriter(columns, (chunk) => {
    text += chunk;
  });
  writer.add(rows);
  return text.replace(/\n$/, '');
}

/** A horizontal bar chart, one row per label; bars scale to the largest value (none below zero). */
export function renderBars(
  rows: { label: string; value: number; note?: string }[],
  width = 30,
): string {
  let max = 0;
  let labelWidth = 0;
  // Labels are stored values: one line each, terminal controls escaped before measuring.
  const labels = rows.map((row) => cellText(row.label));
  for (const [i, row] of rows.entries()) {
    max = Math.max(max, row.value);
    labelWidth = Math.max(labelWidth, Math.min(DEFAULT_MAX_WIDTH, displayWidth(labels[i]!)));
  }
  return rows
    .map((r, i) => {
      // Legacy data can hold negative costs or tokens: such a value has no bar.
      const length = max > 0 && r.value > 0 ? Math.round((r.value / max) * width) : 0;
      const bar = '█'.repeat(length) || (r.value > 0 ? '▏' : '');
      return `  ${pad(truncate(labels[i]!, labelWidth), labelWidth)}  ${bar.padEnd(width)}  ${r.note ?? r.value}`;
    })
    .join('\n');
}
