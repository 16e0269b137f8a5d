import { type ExportField, exportValue, type RunMetadata } from '@runmeta/core';

/** A run as plain JSON (what `--json` prints): SDK field names, nothing dropped. */
export function runJson(run: RunMetadata): Record<string, unknown> {
  return { ...run };
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The CSV header: every field the databases' runs have, in core's documented
 * export order (`exportFields`).
 */
export function csvHeader(fields: readonly ExportField[]): string {
  return fields.map((field) => csvCell(field.name)).join(',');
}

/** One run as a CSV record with the header's fields. */
export function csvRow(run: RunMetadata, fields: readonly ExportField[]): string {
  return fields.map((field) => csvCell(exportValue(run, field))).join(',');
}
