import { stripVTControlCharacters } from 'node:util';

/** A plain aligned text table; numbers right-aligned. ANSI colour codes don't count towards width. */
export function renderTable(
  headers: string[],
  rows: (string | number | null | undefined)[][],
): string {
  const text = rows.map((row) =>
    row.map((cell) => (cell === null || cell === undefined ? '—' : String(cell))),
  );
  const visible = (s: string) => stripVTControlCharacters(s).length;
  const widths = headers.map((h, i) =>
    Math.max(visible(h), ...text.map((r) => visible(r[i] ?? ''))),
  );
  const numeric = headers.map(
    (_, i) =>
      rows.length > 0 &&
      rows.every((r) => typeof r[i] === 'number' || r[i] === null || r[i] === undefined),
  );
  const pad = (s: string, i: number) => {
    const fill = ' '.repeat(Math.max(0, widths[i]! - visible(s)));
    return numeric[i] ? fill + s : s + fill;
  };
  const lines = [headers.map(pad).join('  '), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const row of text) lines.push(row.map(pad).join('  ').trimEnd());
  return lines.join('\n');
}

/** A horizontal bar chart, one row per label; bars scale to the largest value. */
export function renderBars(
  rows: { label: string; value: number; note?: string }[],
  width = 30,
): string {
  const max = Math.max(0, ...rows.map((r) => r.value));
  const labelWidth = Math.max(0, ...rows.map((r) => r.label.length));
  return rows
    .map((r) => {
      const length = max > 0 ? Math.round((r.value / max) * width) : 0;
      const bar = '█'.repeat(length) || (r.value > 0 ? '▏' : '');
      return `  ${r.label.padEnd(labelWidth)}  ${bar.padEnd(width)}  ${r.note ?? r.value}`;
    })
    .join('\n');
}
