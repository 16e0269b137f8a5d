/**
 * One value as a CSV cell (RFC 4180): empty for none, objects as JSON, quoted
 * when it holds a quote, a comma or a line break. Every CSV runmeta writes (the
 * CLI's `export --format csv`, the dashboard's download) uses this one rule.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
