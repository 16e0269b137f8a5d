import fs from 'node:fs';
import path from 'node:path';
import { type NarrativeSummary, summarizeNarrative } from '@runmeta/core';

/**
 * Summarise the newest `datasets/<templateId>/narrative_*.json` for a snapshot.
 * Returns null when there is none; a file that is not JSON is reported as such.
 */
export function loadLatestNarrative(
  datasetsDir: string,
  templateId: string,
): NarrativeSummary | null {
  const folder = path.join(datasetsDir, templateId);
  if (!fs.existsSync(folder)) return null;
  const newest = fs
    .readdirSync(folder)
    .filter((name) => /^narrative_.*\.json$/.test(name))
    .sort()
    .at(-1);
  if (!newest) return null;
  const file = path.join(folder, newest);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    json = null;
  }
  return summarizeNarrative(path.relative(datasetsDir, file), json);
}
