import { type ExportField, exportValue, type RunMetadata } from '@runmeta/core';
import { csvCell } from '@runmeta/core/constants';

/** A run as plain JSON (what `--json` prints): SDK field names, nothing dropped. */
export function runJson(run: RunMetadata): Record<string, unknown> {
  return { ...run };
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
