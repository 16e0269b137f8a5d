import type { RunMetadata } from '@runmeta/core';

/** Columns of CSV/JSONL exports and `runs list --format csv`, in a stable order. */
export const EXPORT_FIELDS = [
  'runId',
  'source',
  'templateId',
  'causalMode',
  'status',
  'createdAt',
  'updatedAt',
  'startedAt',
  'completedAt',
  'goal',
  'entitiesCreated',
  'timepointsCreated',
  'trainingExamples',
  'costUsd',
  'llmCalls',
  'tokensUsed',
  'schemaVersion',
  'actualTokensUsed',
  'tokenBudgetCompliance',
  'fidelityEfficiencyScore',
  'fidelityDistribution',
  'fidelityStrategy',
  'errorMessage',
  'extra',
] as const;

/** A run as plain JSON (what `--json` prints): SDK field names, nothing dropped. */
export function runJson(run: RunMetadata): Record<string, unknown> {
  return { ...run };
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvHeader(): string {
  return EXPORT_FIELDS.join(',');
}

export function csvRow(run: RunMetadata): string {
  const record = run as unknown as Record<string, unknown>;
  return EXPORT_FIELDS.map((field) =>
    csvCell(field === 'extra' && !Object.keys(run.extra).length ? null : record[field]),
  ).join(',');
}
